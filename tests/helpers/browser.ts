import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, headless, with the flags this closed network needs (SETUP.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Screenshots of each scenario's main view, for review; the folder is git-ignored. */
export function screenshotPath(name: string): string {
  const dir = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return `${dir}${name}.png`;
}
