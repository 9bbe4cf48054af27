// Drives the Debian Chromium (headless) against a running Qingshan server seeded with demo data.
//
//   node tests/browser/portal.mjs <base-url> <screenshot-dir>
//
// For every public page, at 390 px (phone) and 1366 px (laptop), in Chinese and in English: the page
// loads with no console error, no page error and no failed request; it does not overflow horizontally;
// its SVG charts and map render with a size and carry tooltips; the language switch works. A full-page
// screenshot of each is written to <screenshot-dir>. A complaint is filed at 390 px through the 12369 form
// and followed with its tracking code. Exits non-zero with a list of failures.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir] = process.argv.slice(2);
if (!base || !outDir) {
  console.error('usage: portal.mjs <base-url> <screenshot-dir>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const pages = [
  { name: 'home', path: '/', svg: ['svg.map'], extra: 'map' },
  { name: 'air', path: '/air?station=A01', svg: ['#aqi-24h svg', '#pollutants-24h svg', '#aqi-30d svg', '#pollutants-30d svg', '#calendar svg', '#good-days svg'] },
  { name: 'water', path: '/water', svg: ['#good-share svg', '#monthly svg', '#monthly-share svg'] },
  { name: 'bulletin', path: '/bulletin', svg: ['#months svg'] },
  { name: 'emitters', path: '/emitters', svg: [] },
  { name: 'rivers', path: '/rivers', svg: [] },
  { name: 'rankings', path: '/rankings', svg: [] },
];
const widths = [390, 1366];
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log('FAIL ' + what);
};

const userDataDir = mkdtempSync(join(tmpdir(), 'qingshan-chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

let shots = 0;
try {
  for (const width of widths) {
    for (const lang of ['zh', 'en']) {
      for (const p of pages) {
        const page = await context.newPage();
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
        const problems = [];
        page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
        page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
        page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
        page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
        const sep = p.path.includes('?') ? '&' : '?';
        const url = base + p.path + (lang === 'en' ? `${sep}lang=en` : '');
        const label = `${p.name} ${lang} ${width}px`;
        const t0 = Date.now();
        const resp = await page.goto(url, { waitUntil: 'load' });
        const ms = Date.now() - t0;
        if (!resp || resp.status() !== 200) fail(`${label}: status ${resp && resp.status()}`);
        const info = await page.evaluate((selectors) => {
          const doc = document.documentElement;
          const out = {
            lang: doc.lang,
            scrollWidth: doc.scrollWidth,
            innerWidth: window.innerWidth,
            svgs: [],
            titles: document.querySelectorAll('svg title').length,
            h1: document.querySelector('h1')?.textContent || '',
            nav: [...document.querySelectorAll('nav a')].map((a) => a.textContent),
            simulated: !!document.querySelector('.sim'),
            // Elements wider than the viewport that are not inside a horizontal scroller.
            wide: [...document.querySelectorAll('body *')].filter((e) => {
              const r = e.getBoundingClientRect();
              if (r.right <= window.innerWidth + 1) return false;
              for (let a = e.parentElement; a; a = a.parentElement) if (a.classList.contains('scroll')) return false;
              return true;
            }).slice(0, 5).map((e) => e.tagName + '.' + e.className + '#' + e.id),
          };
          for (const s of selectors) {
            const el = document.querySelector(s);
            const r = el && el.getBoundingClientRect();
            out.svgs.push({ s, found: !!el, w: r ? r.width : 0, h: r ? r.height : 0, marks: el ? el.querySelectorAll('.mark, a.pt, path.area').length : 0 });
          }
          if (document.querySelector('svg.map')) {
            out.points = document.querySelectorAll('svg.map a.pt').length;
            out.areas = document.querySelectorAll('svg.map path.area').length;
          }
          return out;
        }, p.svg);
        if (info.lang !== (lang === 'en' ? 'en' : 'zh-CN')) fail(`${label}: html lang ${info.lang}`);
        if (info.scrollWidth > info.innerWidth) fail(`${label}: horizontal overflow ${info.scrollWidth} > ${info.innerWidth} (${info.wide.join(', ')})`);
        if (info.wide.length) fail(`${label}: elements wider than the viewport: ${info.wide.join(', ')}`);
        if (!info.simulated) fail(`${label}: no simulated-data notice`);
        for (const s of info.svgs) {
          if (!s.found) fail(`${label}: ${s.s} missing`);
          else if (s.w < 100 || s.h < 20) fail(`${label}: ${s.s} not rendered (${s.w}x${s.h})`);
          else if (s.marks < 1) fail(`${label}: ${s.s} has no marks`);
        }
        if (p.svg.length && info.titles < 1) fail(`${label}: no SVG tooltips`);
        if (p.extra === 'map' && (info.points < 10 || info.areas < 1)) fail(`${label}: map has ${info.points} points, ${info.areas} areas`);
        const enNav = info.nav.includes('Air');
        if (lang === 'en' ? !enNav : enNav) fail(`${label}: navigation language ${info.nav.join('|')}`);
        for (const pr of problems) fail(`${label}: ${pr}`);
        const file = join(outDir, `${p.name}-${lang}-${width}.png`);
        await page.screenshot({ path: file, fullPage: true });
        shots++;
        console.log(`ok   ${label}: ${ms} ms, ${info.svgs.length} charts, ${info.titles} tooltips${info.points !== undefined ? `, ${info.points} map points` : ''} -> ${file}`);
        await page.close();
      }
    }
  }

  // The language switch: from each Chinese page to English and back, by clicking.
  for (const p of pages) {
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + p.path, { waitUntil: 'load' });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#lang-switch')]);
    const en = await page.evaluate(() => [document.documentElement.lang, location.search]);
    if (en[0] !== 'en') fail(`${p.name}: language switch to English gave lang=${en[0]}`);
    if (p.path.includes('station=A01') && !en[1].includes('station=A01')) fail(`${p.name}: language switch lost the query (${en[1]})`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#lang-switch')]);
    const zh = await page.evaluate(() => document.documentElement.lang);
    if (zh !== 'zh-CN') fail(`${p.name}: language switch back gave lang=${zh}`);
    else console.log(`ok   ${p.name}: language switch zh -> en -> zh`);
    await page.close();
  }

  // The bulletin prints: print styles hide the navigation and the form, keep the table; a PDF is written.
  {
    const page = await context.newPage();
    await page.goto(base + '/bulletin', { waitUntil: 'load' });
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => ({
      nav: getComputedStyle(document.querySelector('nav')).display,
      form: getComputedStyle(document.querySelector('form.pick')).display,
      table: getComputedStyle(document.querySelector('#bulletin')).display,
      rows: document.querySelectorAll('#bulletin tr').length,
    }));
    if (shown.nav !== 'none' || shown.form !== 'none') fail(`bulletin print: navigation or form still shown (${JSON.stringify(shown)})`);
    if (shown.table === 'none' || shown.rows < 2) fail(`bulletin print: no table (${JSON.stringify(shown)})`);
    await page.setViewportSize({ width: 794, height: 1123 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    if (wide > 794) fail(`bulletin print: wider than A4 (${wide} px)`);
    await page.screenshot({ path: join(outDir, 'bulletin-print.png'), fullPage: true });
    const pdf = join(outDir, 'bulletin-print.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    console.log(`ok   bulletin: print layout (${shown.rows - 1} sources) -> ${pdf}`);
    await page.close();
  }

  // 12369 on a phone: the form without any script of ours, a photo attached, the receipt's tracking code,
  // and the progress page it leads to, which shows no personal data.
  {
    const label = 'complaint 390px';
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    const problems = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(base + '/complaints', { waitUntil: 'load' });
    if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) fail(`${label}: the form overflows`);
    await page.selectOption('#category', 'noise');
    await page.fill('#address', '昭阳区凤凰街道建筑工地');
    await page.fill('#description', '夜间十一点后仍在施工，噪声很大');
    await page.fill('#phone', '13800138000');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    await page.setInputFiles('#photos', { name: '现场.png', mimeType: 'image/png', buffer: png });
    await page.screenshot({ path: join(outDir, 'complaint-form-zh-390.png'), fullPage: true });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#complaint-form button[type=submit]')]);
    const code = (await page.textContent('#tracking-code').catch(() => '')).trim();
    if (!/^ZT[0-9A-Z]{10}$/.test(code)) fail(`${label}: no tracking code on the receipt (${code}: ${await page.textContent('[role=alert]').catch(() => '')})`);
    await page.screenshot({ path: join(outDir, 'complaint-receipt-zh-390.png'), fullPage: true });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#follow')]);
    const steps = await page.textContent('#steps').catch(() => '');
    if (!steps.includes('已收到')) fail(`${label}: the progress page shows no step (${steps})`);
    if ((await page.content()).includes('13800138000')) fail(`${label}: the progress page shows the phone`);
    await page.screenshot({ path: join(outDir, 'complaint-track-zh-390.png'), fullPage: true });
    for (const pr of problems) fail(`${label}: ${pr}`);
    if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}: submitted, tracking code ${code}, followed`);
    await page.close();
  }

  // A tooltip of the map names a station and its AQI or its cause.
  {
    const page = await context.newPage();
    await page.goto(base + '/', { waitUntil: 'load' });
    const tips = await page.$$eval('svg.map a.pt title', (ts) => ts.map((t) => t.textContent));
    if (!tips.some((t) => /AQI \d+/.test(t))) fail('home: no map tooltip with an AQI');
    // Every grey point (no current data) says why.
    const grey = await page.$$eval('svg.map a.pt', (as) => as
      .filter((a) => a.firstElementChild && a.firstElementChild.getAttribute('fill') === '#b7bcc2')
      .map((a) => a.querySelector('title').textContent));
    for (const t of grey) {
      if (!/数据中断|从未收到数据|无效|未登记/.test(t)) fail(`home: grey point without a cause: ${JSON.stringify(t)}`);
    }
    console.log(`ok   home: ${tips.length} map tooltips (${grey.length} grey, each with its cause), e.g. ${JSON.stringify(tips[0])}`);
    await page.close();
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}

console.log(`${shots} screenshots in ${outDir}`);
if (failures.length) {
  console.log(`${failures.length} failure(s)`);
  process.exit(1);
}
console.log('browser tests passed');
