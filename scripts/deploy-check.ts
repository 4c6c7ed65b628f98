// `npm run deploy:check`: bundle the Worker exactly as `wrangler deploy` would, without deploying,
// and fail if it grows past the budget. Workers' own limit is 3 MB gzip (free plan); ours is
// far lower because a small bundle starts fast on every cold isolate. The Worker shares the
// Discord bot's texts and command definition but must never bundle discord.js: its source map
// is checked for that too.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// 60 KiB until the Worker answered Discord too: its side (the signature, the command's answer,
// the jobs, and the gateway bot's texts and delivery rules it shares) adds about 11 KiB.
const BUDGET_BYTES = 64 * 1024;

const outdir = mkdtempSync(join(tmpdir(), 'jimeng-edge-'));
try {
  execFileSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', outdir], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
  });
  const files = readdirSync(outdir).filter((name) => /\.(m?js|wasm)$/.test(name));
  let total = 0;
  for (const name of files) {
    const raw = readFileSync(join(outdir, name));
    const gzip = gzipSync(raw, { level: 9 }).byteLength;
    total += gzip;
    console.log(`${name}: ${kib(raw.byteLength)} raw, ${kib(gzip)} gzip`);
  }
  if (files.length === 0) throw new Error(`wrangler wrote no bundle to ${outdir}`);
  const gateway = bundledSources(outdir).filter((source) =>
    /node_modules\/(discord\.js|@discordjs)\//.test(source),
  );
  if (gateway.length > 0) {
    console.error(
      `The edge bundle contains discord.js (${gateway.length} files, e.g. ${gateway[0]}): import only plain modules and discord-api-types types from the Worker.`,
    );
    process.exitCode = 1;
  }
  if (total > BUDGET_BYTES) {
    console.error(`Edge bundle is ${kib(total)} gzip, over the ${kib(BUDGET_BYTES)} budget.`);
    process.exitCode = 1;
  } else {
    console.log(`Edge bundle: ${kib(total)} gzip, within the ${kib(BUDGET_BYTES)} budget.`);
  }
} finally {
  rmSync(outdir, { recursive: true, force: true });
}

/** Every source file the bundle was made from, as its source maps list them. */
function bundledSources(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.map'))
    .flatMap((name) => {
      const map = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { sources?: string[] };
      return map.sources ?? [];
    });
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
