/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser). Without Chromium the
 * browser tests skip locally, but fail under CI=true: CI must prove the page renders.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { toolsAvailable } from '../helpers/tools.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function browserAvailable(): boolean {
  return toolsAvailable([{ what: `Chromium at ${CHROMIUM}`, found: existsSync(CHROMIUM), install: 'apt-get install chromium' }]);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The machine's network is closed: background networking would only produce refused connections.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
