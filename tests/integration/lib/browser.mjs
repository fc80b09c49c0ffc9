// A real browser for the relying-party tests: Debian's Chromium, headless,
// driven with puppeteer-core (never a browser that puppeteer downloads).
// Each test takes a fresh browser context, an incognito-like profile with a
// cookie jar of its own, so that a cookie set in one "browser" is seen to be
// useless in another.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Launch Chromium with a throwaway profile.  Returns { browser, context(),
// close() }: context() opens a new browser context (its own cookies and
// storage); close() ends the browser and removes the profile.
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'guise-chromium-'));
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,			// puppeteer adds --headless=new
      userDataDir: profile,
      args: [
        '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--ignore-certificate-errors',
      ],
      timeout: 30000,
    });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
  const contexts = [];
  return {
    browser,
    async context() {
      const c = await browser.createBrowserContext();
      contexts.push(c);
      return c;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close().catch(() => {});
      browser.process()?.kill('SIGKILL');
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// A new page in context with a short default timeout; console messages and
// page errors are kept in page.messages for the assertion messages.
export async function newPage(context, { timeout = 15000 } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.setDefaultNavigationTimeout(timeout);
  page.messages = [];
  page.on('console', (m) => page.messages.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => page.messages.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => page.messages.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  return page;
}

// The text of the page now shown (what a person would read).
export function pageText(page) {
  return page.evaluate(() => document.body?.innerText ?? '');
}

// Wait until the page's URL starts with prefix and the document is loaded.
export async function waitForUrl(page, prefix, timeout = 15000) {
  const until = Date.now() + timeout;
  for (;;) {
    const url = page.url();
    if (url.startsWith(prefix)) {
      try {
        if (await page.evaluate(() => document.readyState) === 'complete') return url;
      } catch { /* navigating */ }
    }
    if (Date.now() > until) {
      throw new Error(`page stayed at ${url}, not ${prefix}; ${page.messages?.join('; ')}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
