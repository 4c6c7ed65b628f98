import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll } from 'vitest';

/** Debian's chromium (`.ci/run` installs it), or the one CHROMIUM_PATH names. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Git-ignored: screenshots to look at, not to compare pixel by pixel. */
export const OUTPUT_DIR = join(import.meta.dirname, '../../test-output');

export interface Chromium {
  browser: Browser;
  /** A page at this viewport, light or dark. */
  open(size: { width: number; height: number }, scheme?: 'light' | 'dark'): Promise<Page>;
  /** Saves a screenshot under test-output/<folder>/<name>.png and returns its path. */
  shoot(page: Page, name: string): Promise<string>;
}

/** One headless Chromium for a test file, with a fresh profile, quiet on the network. */
export function useChromium(folder: string): Chromium {
  const chromium = {} as Chromium;
  let profile: string | undefined;
  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `No Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH.`,
      );
    }
    profile = mkdtempSync(join(tmpdir(), 'jimeng-chromium-'));
    const outDir = join(OUTPUT_DIR, folder);
    mkdirSync(outDir, { recursive: true });
    chromium.browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir: profile,
      args: [
        // Root in a container has no user namespaces for the sandbox.
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    chromium.open = async (size, scheme = 'light') => {
      const page = await chromium.browser.newPage();
      await page.setViewport(size);
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      return page;
    };
    chromium.shoot = async (page, name) => {
      const path = join(outDir, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    };
  });
  afterAll(async () => {
    await chromium.browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });
  return chromium;
}
