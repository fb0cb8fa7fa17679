import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Debian's chromium, never a downloaded browser; flags that keep it off this machine's closed network. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM_PATH);
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
