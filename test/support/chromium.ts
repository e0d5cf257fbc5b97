/** Finding and launching the system Chromium for browser tests and the dashboard bench (playwright-core, no browser download). */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The system Chromium (Debian's `chromium`), or TACHIKOMA_CHROMIUM; null when there is none. */
export function findChromium(): string | null {
  const candidates = [process.env.TACHIKOMA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  return candidates.find((path): path is string => path !== undefined && path !== '' && existsSync(path)) ?? null;
}

/** Says loudly, once, that browser tests are skipped because no browser is installed. */
export function warnNoBrowser(what: string): void {
  const line = '!'.repeat(100);
  process.stderr.write(`\n${line}\n!! ${what} SKIPPED: no Chromium found (install Debian's chromium, or set TACHIKOMA_CHROMIUM)\n${line}\n\n`);
}

/** Headless Chromium with the flags measured to work offline on these machines. */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}
