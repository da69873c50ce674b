import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: nothing is downloaded at run time (`.ci/run` installs it with apt-get). */
const CHROMIUM = '/usr/bin/chromium';
/** Headless as root, with none of the background connections a closed network refuses. */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Starts the real browser for a browser test. A machine without Chromium fails the test with a
 * message saying what to install, rather than skipping it and passing silently.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (.ci/run does)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}
