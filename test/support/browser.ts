import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, never a downloaded browser; flags that keep it off this machine's closed network. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Browser tests run where chromium is installed, and always in CI (`.ci/run` installs it), so a missing
 * browser fails there instead of quietly skipping. `apt-get install chromium` to run them locally.
 */
export function runBrowserTests(): boolean {
  return existsSync(CHROMIUM_PATH) || Boolean(process.env.CI);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

/** Screenshots land in artifacts/; `UPDATE_SCREENSHOTS=1 npm test` also refreshes the README's copies. */
export const updateScreenshots = process.env.UPDATE_SCREENSHOTS === '1';

export function screenshotPath(name: string, { docs = false } = {}): string[] {
  mkdirSync('artifacts', { recursive: true });
  const paths = [`artifacts/${name}.png`];
  if (docs && updateScreenshots) {
    mkdirSync('docs/screenshots', { recursive: true });
    paths.push(`docs/screenshots/${name}.png`);
  }
  return paths;
}
