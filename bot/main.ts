// The process entry of the bot (`npm run bot`, on Bun; `node bot/main.ts` works on Node 22 too).
import { createClient, isJimengError } from '../src/index.ts';
import { readBotConfig } from './config.ts';
import { type Bot, startBot } from './index.ts';
import { prepareJobsDir } from './jobs/store.ts';

const STOP_GRACE_MS = 5_000;

function fail(line: string): never {
  console.error(`jimeng-bot: ${line}`);
  process.exit(1);
}

const config = readBotConfig(process.env);
if (!config.ok) fail(config.problem);
const { options } = config;

// A refused provider key is better told now than on the first command.
try {
  await createClient({ ...options.jimeng, retries: 0 }).getTask('0', { timeoutMs: 10_000 });
} catch (error) {
  if (isJimengError(error) && error.code === 'unauthorized') {
    fail('the provider refused JIMENG_TOKEN (unauthorized): check the API key.');
  }
  // Anything else (an unknown id, the provider briefly down) is not a reason to refuse to start.
}

const dataDir = options.dataDir ?? '.data';
try {
  await prepareJobsDir(dataDir);
} catch (error) {
  const code = (error as { code?: unknown }).code;
  fail(
    `BOT_DATA_DIR ${JSON.stringify(dataDir)} cannot hold the pending jobs (${typeof code === 'string' ? code : String(error)}): point it at a directory this user may write.`,
  );
}

let bot: Bot;
try {
  bot = await startBot(options);
} catch (error) {
  const e = error as { code?: unknown; status?: unknown; message?: unknown };
  if (e.code === 'TokenInvalid' || e.status === 401) {
    fail(
      'Discord refused DISCORD_TOKEN (401 Unauthorized): copy the token again from the Developer Portal.',
    );
  }
  fail(`could not connect to Discord: ${String(e.message ?? error)}`);
}

const stop = (signal: string) => {
  console.error(`jimeng-bot: ${signal}, stopping (pending jobs stay stored and resume next start)`);
  setTimeout(() => process.exit(0), STOP_GRACE_MS).unref();
  bot.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
