// The staff console in the Debian Chromium (headless), against a running server with one account per
// role (chief, staff, officer, owner, river, auditor, and careless for the lockout), all with the
// password in argv; <other-site> is a site outside the officer's county; <journal-id> a quarantined frame;
// <enterprise-alarm> an alarm at the owner's outlet, <county-alarm> one at a site of the officer's county.
//
//   node tests/browser/console.mjs <base-url> <screenshot-dir> <password> <other-site> <journal-id> \
//        <enterprise-alarm> <county-alarm>
//
// Each role signs in by typing into the form and sees exactly its menu; every page it may open loads
// at 390 px and 1366 px without overflow or script errors (screenshots of every page, as the
// administrator, who sees them all, and as the county officer); the officer cannot open another
// county's site by editing the URL; a form whose CSRF token was removed is refused; a wrong password
// shows the reason and five in a row lock the account; signing out ends the session. In the alarm queue
// the officer acknowledges the county's alarm through its form, and the enterprise user sees their own
// alarm without any form to handle it. The enterprise user marks yesterday's data of its outlet through
// the marking form with a repair record attached, and the county's officer accepts the mark, then
// escalates the county's alarm into a case and accepts the case. The river chief records a patrol of
// their reach on a phone-width screen, with its track pasted, a checklist answer, a finding and its
// photo: the patrol counts and the finding opens a case.

import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [base, outDir, password, otherSite, journalId, enterpriseAlarm, countyAlarm] = process.argv.slice(2);
if (!base || !outDir || !password || !otherSite || !journalId || !enterpriseAlarm || !countyAlarm) {
  console.error('usage: console.mjs <base-url> <screenshot-dir> <password> <other-site> <quarantined-journal-id> <enterprise-alarm> <county-alarm>');
  process.exit(2);
}
mkdirSync(outDir, { recursive: true });
const failures = [];
const fail = (what) => { failures.push(what); console.log('FAIL ' + what); };

// What each role's menu holds (the permission table, seen from the person's side).
const registry = ['/console/sites', '/console/devices', '/console/enterprises', '/console/counties', '/console/waterbodies', '/console/supervision', '/console/alarms', '/console/marks', '/console/cases', '/console/rivers', '/console/targets', '/console/corrections', '/console/reports', '/console/permits'];
const MENUS = {
  chief: ['/console', ...registry, '/console/quarantine', '/console/conflicts', '/console/accounts', '/console/audit', '/console/access', '/console/account'],
  staff: ['/console', ...registry, '/console/quarantine', '/console/conflicts', '/console/account'],
  officer: ['/console', ...registry, '/console/account'],
  owner: ['/console', ...registry, '/console/account'],
  river: ['/console', '/console/supervision', '/console/alarms', '/console/marks', '/console/cases', '/console/rivers', '/console/targets', '/console/corrections', '/console/reports', '/console/account'],
  auditor: ['/console', ...registry, '/console/quarantine', '/console/conflicts', '/console/audit', '/console/access', '/console/account'],
};
// Pages beyond the menu, opened from it, screenshotted for the administrator.
const DETAIL = ['/console/sites/new', '/console/devices/new', `/console/sites/${encodeURIComponent(otherSite)}`, '/console/accounts/staff', `/console/journal/${journalId}`];

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'qingshan-console-')), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
});

const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
const shotName = (path) => path.replace(/^\//, '').replace(/[/?=&]+/g, '-');

async function newPage(width, errors) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
  page.on('pageerror', (e) => errors.push(e.message));
  // Refusals (400, 401, 403, 429) are answered on purpose; Chromium reports them as console errors.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of (400|401|403|429)/.test(m.text())) errors.push(m.text());
  });
  return page;
}

async function signIn(page, name, secret) {
  await page.goto(`${base}/console/sign-in`);
  await page.fill('#name', name);
  await page.fill('#password', secret);
  await page.press('#password', 'Enter');
  await page.waitForLoadState('load');
}

try {
  // Each role: its menu, and every page of it at both widths.
  for (const [name, menu] of Object.entries(MENUS)) {
    for (const width of [390, 1366]) {
      const label = `${name} ${width}px`;
      const errors = [];
      const page = await newPage(width, errors);
      await page.goto(`${base}/console`);
      if (!page.url().includes('/console/sign-in')) fail(`${label}: not sent to the sign-in form (${page.url()})`);
      await signIn(page, name, password);
      const who = await page.textContent('#who').catch(() => '');
      if (!who.includes(name)) fail(`${label}: the home page does not say who is signed in (${who})`);
      const links = await page.$$eval('nav.desk a', (as) => as.map((a) => new URL(a.href).pathname));
      if (JSON.stringify(links) !== JSON.stringify(menu)) fail(`${label}: menu ${links} is not ${menu}`);
      const shots = name === 'chief' || name === 'officer';
      const pages = name === 'chief' ? [...menu, ...DETAIL] : menu;
      for (const path of pages) {
        for (const lang of shots ? ['zh', 'en'] : ['zh']) {
          const response = await page.goto(`${base}${path}${lang === 'en' ? '?lang=en' : ''}`);
          if (response.status() !== 200) fail(`${label}: ${path} answered ${response.status()}`);
          if (await overflow(page)) fail(`${label}: ${path} (${lang}) overflows horizontally`);
          if (shots) {
            await page.screenshot({ path: join(outDir, `${shotName(path)}-${name}-${lang}-${width}.png`), fullPage: true });
          }
        }
      }
      if (name === 'officer') {
        // The county's alarm is in the queue; acknowledged through its form (once, at the first width).
        await page.goto(`${base}/console/alarms`);
        if (!(await page.$(`#alarms a[href="/console/alarms/${countyAlarm}"]`))) fail(`${label}: the county's alarm is not in the queue`);
        await page.goto(`${base}/console/alarms/${countyAlarm}`);
        if (width === 390) {
          if (!(await page.$('#act'))) fail(`${label}: no form to handle the county's alarm`);
          await page.fill('#comment', '已电话联系企业');
          await Promise.all([page.waitForNavigation(), page.click('#act button[value=ack]')]);
        }
        const state = await page.textContent('#state').catch(() => '');
        if (!state.includes('已确认')) fail(`${label}: the alarm is not acknowledged (${state})`);
        if (!(await page.textContent('#notes').catch(() => '')).includes('已电话联系企业')) fail(`${label}: the comment is not in the alarm's history`);
        await page.screenshot({ path: join(outDir, `alarm-officer-${width}.png`), fullPage: true });
        const response = await page.goto(`${base}/console/sites/${encodeURIComponent(otherSite)}`);
        if (response.status() !== 403) fail(`${label}: another county's site answered ${response.status()}`);
        const mine = await page.goto(`${base}/console/sites`);
        const listed = await page.$$eval('#site-list tbody tr', (rows) => rows.length);
        if (mine.status() !== 200 || listed < 1) fail(`${label}: no site of the officer's county is listed`);
        if ((await page.content()).includes(`>${otherSite}<`)) fail(`${label}: another county's site is listed`);
      }
      if (name === 'owner') {
        // Their own outlet's alarm, to read, not to handle; the county's other alarm is not theirs.
        await page.goto(`${base}/console/alarms`);
        if (!(await page.$(`#alarms a[href="/console/alarms/${enterpriseAlarm}"]`))) fail(`${label}: the enterprise's alarm is not in its queue`);
        if (await page.$(`#alarms a[href="/console/alarms/${countyAlarm}"]`)) fail(`${label}: another site's alarm is in the enterprise's queue`);
        const own = await page.goto(`${base}/console/alarms/${enterpriseAlarm}`);
        if (own.status() !== 200 || (await page.$('#act'))) fail(`${label}: the enterprise's alarm page is not read-only (${own.status()})`);
      }
      if (name === 'chief') {
        await page.goto(`${base}/console/journal/${journalId}`);
        const raw = await page.textContent('#raw').catch(() => '');
        if (!raw.includes('MN=NOSUCHDEVICE1') || !raw.includes('PW=******;')) fail(`${label}: the raw frame is not shown masked (${raw})`);
        // A form whose CSRF token is gone is refused; with it, the same form saves.
        await page.goto(`${base}/console/counties`);
        await page.evaluate(() => document.querySelector('form.fields input[name=csrf]').remove());
        await page.fill('#code', width === 390 ? '530698' : '530699');
        await page.fill('#name', '测试县');
        await Promise.all([page.waitForNavigation(), page.click('form.fields button')]);
        if (!(await page.textContent('body')).includes('表单已过期')) fail(`${label}: a form without its CSRF token was not refused`);
        await page.goto(`${base}/console/counties`);
        await page.fill('#code', width === 390 ? '530698' : '530699');
        await page.fill('#name', '测试县');
        await Promise.all([page.waitForNavigation(), page.click('form.fields button')]);
        if (!(await page.textContent('[role=status]').catch(() => '')).includes('已保存')) fail(`${label}: the county form with its token did not save`);
        // A validation message in the person's language.
        await page.goto(`${base}/console/sites/new?lang=en`);
        await page.fill('#id', 'NEW 1');
        await page.fill('#name', 'x');
        await Promise.all([page.waitForNavigation(), page.click('form.fields button')]);
        const problem = await page.textContent('[role=alert]').catch(() => '');
        if (!problem.includes('printable ASCII')) fail(`${label}: no English validation message (${problem})`);
        await page.screenshot({ path: join(outDir, `console-sites-new-invalid-en-${width}.png`), fullPage: true });
      }
      // Signing out with the button ends the session.
      await page.goto(`${base}/console`);
      await page.click('form[action*="sign-out"] button');
      await page.waitForLoadState('load');
      if (!page.url().includes('/console/sign-in')) fail(`${label}: sign-out did not return to the sign-in form`);
      await page.goto(`${base}/console`);
      if (!page.url().includes('/console/sign-in')) fail(`${label}: the old session still opens the console`);
      for (const e of errors) fail(`${label}: ${e}`);
      if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}`);
      await page.close();
    }
  }

  // The enterprise marks its outlet's data through the form, with its repair record; the officer accepts.
  {
    const label = 'marking';
    const errors = [];
    const page = await newPage(390, errors);
    await signIn(page, 'owner', password);
    await page.goto(`${base}/console/marks`);
    // Yesterday in the city's time (UTC+8).
    const day = new Date(Date.now() + 8 * 3600e3 - 86400e3).toISOString().slice(0, 10);
    await page.selectOption('#category', 'device_fault');
    await page.fill('#start', `${day}T08:00`);
    await page.fill('#end', `${day}T10:00`);
    await page.fill('#reason', '分析仪故障，已更换泵管');
    await page.setInputFiles('#evidence', { name: '维修记录.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% repair record\n') });
    if (await overflow(page)) fail(`${label}: the marking form overflows at 390 px`);
    await page.screenshot({ path: join(outDir, 'marks-form-owner-390.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('#mark-form button[type=submit]')]);
    if (!/\/console\/marks\/\d+/.test(page.url())) fail(`${label}: the mark was not saved (${page.url()}: ${await page.textContent('[role=alert]').catch(() => '')})`);
    const mark = page.url().split('?')[0];
    if (!(await page.textContent('#state').catch(() => '')).includes('已标记')) fail(`${label}: the new mark is not in force`);
    if (!(await page.textContent('#evidence').catch(() => '')).includes('维修记录.pdf')) fail(`${label}: the repair record is not attached`);
    if (await page.$('#review')) fail(`${label}: the enterprise may review its own mark`);
    if (!(await page.$('#withdraw'))) fail(`${label}: the enterprise cannot withdraw its mark`);
    await page.screenshot({ path: join(outDir, 'mark-owner-390.png'), fullPage: true });
    await page.click('form[action*="sign-out"] button');
    await page.waitForLoadState('load');
    await signIn(page, 'officer', password);
    await page.goto(mark);
    if (!(await page.$('#review'))) fail(`${label}: the county's officer has no form to review the mark`);
    await page.fill('#comment', '维修记录核实');
    await Promise.all([page.waitForNavigation(), page.click('#review button[value=accept]')]);
    if (!(await page.textContent('#state').catch(() => '')).includes('已通过')) fail(`${label}: the mark is not accepted`);
    await page.screenshot({ path: join(outDir, 'mark-officer-390.png'), fullPage: true });
    // The officer escalates the county's alarm into a case and accepts it.
    await page.goto(`${base}/console/alarms/${countyAlarm}`);
    await Promise.all([page.waitForNavigation(), page.click('#escalate button')]);
    if (!/\/console\/cases\/\d+/.test(page.url())) fail(`${label}: escalating the alarm did not open a case (${page.url()})`);
    if (!(await page.textContent('#state').catch(() => '')).includes('待受理')) fail(`${label}: the new case is not waiting to be accepted`);
    await Promise.all([page.waitForNavigation(), page.click('#act button[value=accept]')]);
    if (!(await page.textContent('#state').catch(() => '')).includes('已受理')) fail(`${label}: the case is not accepted`);
    if (!(await page.textContent('#events').catch(() => '')).includes('受理')) fail(`${label}: the acceptance is not in the case's history`);
    await page.screenshot({ path: join(outDir, 'case-officer-390.png'), fullPage: true });
    for (const e of errors) fail(`${label}: ${e}`);
    if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}`);
    await page.close();
  }

  // The river chief records a patrol at 390 px: 3 km in an hour, a new outfall found and photographed.
  {
    const label = 'patrol';
    const errors = [];
    const page = await newPage(390, errors);
    await signIn(page, 'river', password);
    await page.goto(`${base}/console/rivers`);
    await Promise.all([page.waitForNavigation(), page.click('#new-patrol')]);
    // Local times in the city (UTC+8): from two hours ago to one hour ago.
    const local = (msAgo) => new Date(Date.now() + 8 * 3600e3 - msAgo).toISOString().slice(0, 16);
    await page.selectOption('#reach', 'R1');
    await page.fill('#start', local(2 * 3600e3));
    await page.fill('#end', local(3600e3));
    await page.fill('#track', JSON.stringify({ type: 'LineString', coordinates: [[103.70, 27.30], [103.715, 27.30], [103.730, 27.30]] }));
    await page.check('input[name=check_new_outfall][value=problem]');
    await page.fill('#finding', '新增排污口，黑臭水外排');
    await page.setInputFiles('#track_file', { name: 'outfall.png', mimeType: 'image/png', buffer: Buffer.from('\x89PNG\r\n\x1a\noutfall photo', 'binary') });
    if (await overflow(page)) fail(`${label}: the patrol form overflows at 390 px`);
    await page.screenshot({ path: join(outDir, 'patrol-form-river-390.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('#patrol-form button[type=submit]')]);
    const saved = await page.textContent('#patrol-saved').catch(() => '');
    if (!saved.includes('计入巡河任务')) fail(`${label}: the patrol was not recorded as counting (${saved || await page.textContent('[role=alert]').catch(() => page.url())})`);
    const caseLink = await page.$('a[href^="/console/cases/"]');
    if (!caseLink) fail(`${label}: the finding opened no case`);
    await page.screenshot({ path: join(outDir, 'patrol-saved-river-390.png'), fullPage: true });
    if (caseLink) {
      await Promise.all([page.waitForNavigation(), caseLink.click()]);
      if (!(await page.textContent('#files').catch(() => '')).includes('outfall.png')) fail(`${label}: the finding's photo is not on its case`);
    }
    for (const e of errors) fail(`${label}: ${e}`);
    if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}`);
    await page.close();
  }

  // Wrong passwords: each says why; after five in a row even the right one waits.
  {
    const label = 'lockout';
    const errors = [];
    const page = await newPage(390, errors);
    for (let i = 0; i < 5; i++) {
      await signIn(page, 'careless', 'not-the-password');
      const alert = await page.textContent('[role=alert]').catch(() => '');
      if (!alert.includes('不正确')) fail(`${label}: wrong password ${i + 1} shows no reason (${alert})`);
    }
    await page.screenshot({ path: join(outDir, 'console-sign-in-zh-390.png'), fullPage: true });
    await signIn(page, 'careless', password);
    const alert = await page.textContent('[role=alert]').catch(() => '');
    if (!alert.includes('秒后再试')) fail(`${label}: the right password after five wrong ones was let in (${alert})`);
    if (!page.url().includes('/console/sign-in')) fail(`${label}: a locked account reached ${page.url()}`);
    await page.screenshot({ path: join(outDir, 'console-sign-in-locked-zh-390.png'), fullPage: true });
    for (const e of errors) fail(`${label}: ${e}`);
    if (!failures.some((f) => f.startsWith(label))) console.log(`ok   ${label}`);
    await page.close();
  }
} finally {
  await context.close();
}
if (failures.length) {
  console.log(`${failures.length} failures`);
  process.exit(1);
}
