// The staff console in the Debian Chromium (headless), against a running server with the account
// `officer` (county officer of the first demo county, password in argv).
//
//   node tests/browser/console.mjs <base-url> <screenshot-dir> <password>
//
// At 390 px and 1366 px, in Chinese and English: a wrong password shows the reason; signing in by
// typing into the form and pressing Enter reaches the console home with the person's name and only
// their county's sites; nothing overflows; signing out with the button returns to the sign-in form and
// the console refuses the old session. Screenshots of the sign-in page and the home page.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir, password] = process.argv.slice(2);
if (!base || !outDir || !password) {
  console.error('usage: console.mjs <base-url> <screenshot-dir> <password>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const failures = [];
const fail = (what) => { failures.push(what); console.log('FAIL ' + what); };

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'qingshan-console-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

try {
  for (const width of [390, 1366]) {
    for (const lang of ['zh', 'en']) {
      const label = `console ${lang} ${width}px`;
      const q = lang === 'en' ? '?lang=en' : '';
      const page = await context.newPage();
      await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
      const errors = [];
      page.on('pageerror', (e) => errors.push(e.message));
      // The wrong password's page is answered 401 on purpose; Chromium reports that as a console error.
      page.on('console', (m) => { if (m.type() === 'error' && !m.text().includes('status of 401')) errors.push(m.text()); });

      await page.goto(`${base}/console${q}`);
      if (!page.url().includes('/console/sign-in')) fail(`${label}: not sent to the sign-in form (${page.url()})`);
      await page.screenshot({ path: join(outDir, `console-sign-in-${lang}-${width}.png`), fullPage: true });
      await page.fill('#name', 'officer');
      await page.fill('#password', 'not-the-password');
      await page.press('#password', 'Enter');
      await page.waitForLoadState('load');
      const alert = await page.textContent('[role=alert]').catch(() => null);
      if (!alert) fail(`${label}: a wrong password shows no reason`);

      await page.fill('#name', 'officer');
      await page.fill('#password', password);
      await page.press('#password', 'Enter');
      await page.waitForLoadState('load');
      const who = await page.textContent('#who').catch(() => '');
      if (!who.includes('officer')) fail(`${label}: the home page does not say who is signed in (${who})`);
      const sites = await page.$$eval('tbody tr', (rows) => rows.length);
      if (sites < 1) fail(`${label}: no site of the officer's county is listed`);
      if (await overflow(page)) fail(`${label}: horizontal overflow`);
      await page.screenshot({ path: join(outDir, `console-home-${lang}-${width}.png`), fullPage: true });

      await page.click('form[action*="sign-out"] button');
      await page.waitForLoadState('load');
      if (!page.url().includes('/console/sign-in')) fail(`${label}: sign-out did not return to the sign-in form`);
      await page.goto(`${base}/console${q}`);
      if (!page.url().includes('/console/sign-in')) fail(`${label}: the old session still opens the console`);
      for (const e of errors) fail(`${label}: ${e}`);
      if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}`);
      await page.close();
    }
  }
} finally {
  await context.close();
}
if (failures.length) {
  console.log(`${failures.length} failures`);
  process.exit(1);
}
