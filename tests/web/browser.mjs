// Headless Chromium (Debian's) driven by playwright-core, for the web UI
// tests.  Screenshots of each test's last state go to $SEN_TEST_OUT.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const BASE = process.env.SEN_URL || 'http://127.0.0.1:18080';
const OUT = process.env.SEN_TEST_OUT || 'var/test/web';
mkdirSync(OUT, { recursive: true });

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A phone-sized page (360 x 740), Vietnamese by default, with a fresh
// profile; console errors and CSP violations fail the test.
export async function phone(browser, opts = {}) {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'vi-VN', ...opts,
  });
  const page = await context.newPage();
  page.problems = [];
  // Script errors and CSP violations; an HTTP error answer the page
  // handles (401 from /api/me when logged out) is not one.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  return page;
}

export async function shot(page, name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}
