import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package (`apt-get install chromium`); .ci/run installs it. */
export const CHROMIUM = process.env['TRAINYARD_CHROMIUM'] ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or null when they can. In CI a missing Chromium is a
 * failure (the tests run and say what to install); on a developer's machine they are skipped with
 * this reason printed.
 */
export function browserSkipReason(): string | null {
  if (fs.existsSync(CHROMIUM) || process.env['CI']) return null;
  return `skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set TRAINYARD_CHROMIUM); CI runs these tests`;
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install Debian's chromium package (apt-get install -y chromium), as .ci/run does.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
