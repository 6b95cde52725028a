// Drives the workspace publishing pages in Chromium against a running, FRESH Herald (first-run setup
// included), taking screenshots at 1280 and 390 px. Start one with e.g.
//   cd server && HERALD_DATA_DIR=$(mktemp -d) PORT=8091 HERALD_PUBLIC_URL=http://127.0.0.1:8091 npx tsx src/cli.ts start
// then: npm run walk:publishing -w web   (HERALD_URL, CHROMIUM_PATH and SHOTS_DIR override the defaults).
// Walk: setup → workspace → sandbox channels and posting slots → uploads (ok, 415, 413) → compose for two
// channels and schedule ~12 s ahead → published (post page, calendar, sandbox feed) → drag to another
// day (and into the past: refused) → queue → edit, reschedule, unschedule, duplicate, delete → media in use.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const URL = process.env.HERALD_URL ?? 'http://127.0.0.1:8091';
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/herald-shots';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ZONE = 'Asia/Kolkata';

/** A truecolor PNG from a pixel function (no image library needed). */
function png(width, height, pixel, level = 6) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      raw[row + 1 + x * 3] = r;
      raw[row + 2 + x * 3] = g;
      raw[row + 3 + x * 3] = b;
    }
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level })), chunk('IEND', Buffer.alloc(0))]);
}

const ASSETS = await mkdtemp(join(tmpdir(), 'herald-walk-'));
const sun = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 < r * r;
const inSun1 = sun(840, 280, 150);
await writeFile(join(ASSETS, 'bakery.png'), png(1200, 800, (x, y) => (inSun1(x, y) ? [253, 230, 138] : [79 + (x * 140) / 1200, 70 - (y * 30) / 800, 229 - (x * 110) / 1200])));
const inSun2 = sun(600, 300, 130);
await writeFile(join(ASSETS, 'croissant.png'), png(900, 1400, (x, y) => (inSun2(x, y) ? [253, 230, 138] : [5 + (x * 9) / 900, 150 + (y * 15) / 1400, 105 + (y * 128) / 1400])));
// Over the 10 MB image limit: noise does not compress.
let seed = 7;
const noise = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 255;
await writeFile(join(ASSETS, 'huge.png'), png(2400, 1800, () => [noise(), noise(), noise()], 0));
await writeFile(join(ASSETS, 'notes.txt'), 'not an image\n');

await mkdir(SHOTS, { recursive: true });
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ARGS });
const ctx = await browser.newContext({ viewport: { width: 1280, height: 1300 } });
const page = await ctx.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push(`console: ${m.text()}`);
});
page.on('response', (r) => {
  if (r.url().includes('/api/') && r.status() >= 400 && r.status() !== 401) problems.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
});

const log = (...a) => console.log(new Date().toISOString().slice(11, 19), ...a);
async function step(name, fn) {
  log('▶', name);
  try {
    await fn();
  } catch (error) {
    log('✗', name, error.message);
    await page.screenshot({ path: `${SHOTS}/FAILED-${name.replace(/\W+/g, '-')}.png`, fullPage: true });
    throw error;
  }
}
const shot = async (name, p = page, { keepScroll = false } = {}) => {
  if (!keepScroll) await p.evaluate(() => window.scrollTo(0, 0));
  await p.waitForTimeout(400);
  await p.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};

/** Wall-clock date/time in ZONE, `sec` seconds from now. */
function inZone(sec) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(new Date(Date.now() + sec * 1000))
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}:${parts.second}`, hm: `${parts.hour}:${parts.minute}` };
}

/** HTML5 drag with real mouse moves (Playwright's dragTo loses the drag when it has to scroll). */
async function drag(source, target) {
  await target.scrollIntoViewIfNeeded();
  await source.scrollIntoViewIfNeeded();
  const a = await source.boundingBox();
  const b = await target.boundingBox();
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 8, a.y + a.height / 2 + 4, { steps: 3 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** In-app navigation (no reload: every reload spends one of the session's rate-limited refreshes). */
async function nav(path, p = page) {
  const target = new globalThis.URL(path, URL);
  await p.evaluate((href) => {
    window.history.pushState({}, '', href);
    window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
  }, target.pathname + target.search + target.hash);
}

let base;
await step('setup', async () => {
  await page.goto(URL);
  await page.waitForURL('**/setup');
  await page.getByTestId('setup-name').fill('Olivia Owner');
  await page.getByTestId('setup-email').fill('olivia@example.com');
  await page.getByTestId('setup-password').fill('a very good password');
  await page.getByTestId('setup-org').fill('Olivia Studio');
  await page.getByTestId('setup-submit').click();
  await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
});

await step('workspace', async () => {
  await page.getByTestId('new-workspace').first().click();
  await page.getByTestId('workspace-name').fill('Sunrise Bakery');
  const tz = page.getByTestId('workspace-timezone');
  await tz.fill(ZONE);
  await tz.press('Enter');
  await page.getByTestId('workspace-submit').click();
  await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}\/calendar/);
  base = page.url().replace(/\/calendar.*$/, '');
  log('workspace', base);
  await page.getByTestId('calendar-month').waitFor();
  await shot('01-calendar-empty-1280');
});

await step('channels', async () => {
  await page.getByTestId('nav-channels').click();
  await shot('02-channels-empty-1280');
  for (const name of ['Practice feed', 'Second practice']) {
    await page.getByTestId('add-sandbox-channel').first().click();
    await page.getByTestId('sandbox-channel-name').fill(name);
    await page.getByTestId('sandbox-channel-submit').click();
    await page.getByTestId('channel-row').filter({ hasText: name }).waitFor();
  }
  // Posting slots on the first channel: Monday 09:00 and 17:30, copied to weekdays.
  const row = page.getByTestId('channel-row').filter({ hasText: 'Practice feed' });
  await row.getByTestId('channel-slots').click();
  const editor = row.getByTestId('slots-editor');
  await editor.locator('[data-testid=slot-time-input][data-weekday="1"]').fill('09:00');
  await editor.locator('[data-testid=slot-add][data-weekday="1"]').click();
  await editor.locator('[data-testid=slot-time-input][data-weekday="1"]').fill('17:30');
  await editor.locator('[data-testid=slot-add][data-weekday="1"]').click();
  await editor.getByRole('button', { name: 'Copy Monday to weekdays' }).click();
  await editor.locator('[data-testid=slot-time-input][data-weekday="6"]').fill('11:00');
  await shot('03-channels-slots-1280');
  await editor.getByTestId('slots-save').click();
  await page.getByTestId('toast').filter({ hasText: 'Posting slots' }).waitFor();
  await row.locator('p', { hasText: 'Mon 9:00' }).first().waitFor();
  // Rename the second one.
  const second = page.getByTestId('channel-row').filter({ hasText: 'Second practice' });
  await second.getByTestId('channel-menu').click();
  await page.getByTestId('channel-rename').click();
  await page.getByTestId('channel-rename-name').fill('Second feed');
  await page.getByTestId('channel-rename-submit').click();
  await page.getByTestId('channel-row').filter({ hasText: 'Second feed' }).waitFor();
  await shot('04-channels-1280');
});

await step('media upload', async () => {
  await page.getByTestId('nav-media').click();
  await shot('05-media-empty-1280');
  await page.getByTestId('media-upload').setInputFiles([join(ASSETS, 'bakery.png'), join(ASSETS, 'croissant.png'), join(ASSETS, 'notes.txt')]);
  await page.getByTestId('upload-error').first().waitFor();
  log('upload error says:', await page.getByTestId('upload-error').first().innerText());
  await page.getByTestId('media-upload').setInputFiles([join(ASSETS, 'huge.png')]);
  await page.getByTestId('upload-error').nth(1).waitFor({ timeout: 60_000 });
  log('huge upload error says:', await page.getByTestId('upload-error').nth(1).innerText());
  await page.getByTestId('media-item').nth(1).waitFor();
  await shot('06-media-uploaded-1280');
  // Alt text and tags.
  await page.getByTestId('media-item').filter({ hasText: 'bakery.png' }).click();
  await page.getByTestId('media-alt').fill('A loaf of fresh bread on a pink and purple background');
  await page.getByTestId('media-tags').fill('bread');
  await page.getByTestId('media-tags').press('Enter');
  await shot('07-media-dialog-1280');
  await page.getByTestId('media-save').click();
  await page.getByTestId('toast').filter({ hasText: 'Media details saved' }).waitFor();
  await page.getByTestId('media-search').fill('croiss');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=media-item]').length === 1);
  await page.getByTestId('media-item').filter({ hasText: 'croissant' }).waitFor();
  await page.getByTestId('media-search').fill('');
});

let publishedPostId;
await step('compose for two channels, schedule ~10 s ahead', async () => {
  await page.getByTestId('nav-compose').click();
  const channels = page.getByTestId('compose-channel');
  await channels.first().waitFor();
  await channels.nth(0).click();
  await channels.nth(1).click();
  await page.getByTestId('compose-text').fill('Fresh sourdough is out of the oven! 🍞\n\nCome by before 10 am for a warm loaf. #bakery #sourdough');
  await page.getByTestId('compose-media-item').filter({ has: page.locator('img[alt^="A loaf"]') }).click();
  await page.getByTestId('compose-counter').first().filter({ hasText: '/ 5000' }).waitFor();
  log('counters:', await page.getByTestId('compose-counter').allInnerTexts());
  // Tailor the second channel.
  const secondId = await channels.nth(1).getAttribute('data-channel-id');
  await page.locator(`[data-testid=compose-tab][data-channel-id="${secondId}"]`).click();
  await page.getByTestId('compose-channel-text').fill('Warm sourdough, right now. Second feed exclusive! #bakery');
  await page.waitForTimeout(600);
  await shot('08-compose-tailored-1280');
  await page.locator('[data-testid=compose-tab][data-channel-id="all"]').click();
  const when = inZone(12);
  await page.getByTestId('compose-schedule-date').fill(when.date);
  await page.getByTestId('compose-schedule-time').fill(when.time);
  await shot('09-compose-1280');
  await page.getByTestId('compose-schedule').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  publishedPostId = page.url().split('/').pop();
  await page.getByTestId('post-status').waitFor();
  log('status after scheduling:', await page.getByTestId('post-status').getAttribute('data-status'));
  await shot('10-post-scheduled-1280');
  await page.locator('[data-testid=post-status][data-status=published]').waitFor({ timeout: 60_000 });
  log('targets:', await page.getByTestId('target-status').evaluateAll((els) => els.map((e) => e.dataset.status)));
  await shot('11-post-published-1280');
});

await step('published post in the calendar', async () => {
  await page.getByTestId('nav-calendar').click();
  const chip = page.locator(`[data-testid=calendar-post][data-post-id="${publishedPostId}"]`);
  await chip.waitFor();
  log('calendar chip status:', await chip.getAttribute('data-status'));
});

await step('sandbox feed permalink', async () => {
  await nav(`${base}/posts/${publishedPostId}`);
  const link = page.getByTestId('target-permalink').first();
  const href = await link.getAttribute('href');
  log('permalink', href);
  await nav(href);
  await page.locator('[data-testid=sandbox-feed-item][data-highlighted=true]').waitFor();
  await shot('12-sandbox-feed-1280', page, { keepScroll: true });
});

let movedPostId;
await step('drag a scheduled post to another day', async () => {
  // A post for the day after tomorrow at 10:15 (zone time), then dragged one day later.
  await nav(`${base}/compose`);
  await page.getByTestId('compose-channel').first().click();
  await page.getByTestId('compose-text').fill('Weekend special: cinnamon rolls.');
  const d = inZone(2 * 86400);
  await page.getByTestId('compose-schedule-date').fill(d.date);
  await page.getByTestId('compose-schedule-time').fill('10:15');
  await page.getByTestId('compose-schedule').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  movedPostId = page.url().split('/').pop();
  // A draft too, for the tray.
  await nav(`${base}/compose`);
  await page.getByTestId('compose-channel').nth(1).click();
  await page.getByTestId('compose-text').fill('Draft: new rye recipe coming soon');
  await page.getByTestId('compose-save-draft').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);

  await page.getByTestId('nav-calendar').click();
  const chip = page.locator(`[data-testid=calendar-post][data-post-id="${movedPostId}"]`);
  await chip.waitFor();
  const target = inZone(3 * 86400).date;
  // The month may end before the target: use the week view when needed.
  let day = page.locator(`[data-testid=calendar-day][data-date="${target}"]`);
  if ((await day.count()) === 0) {
    await page.getByTestId('calendar-view-week').click();
    day = page.locator(`[data-testid=calendar-day][data-date="${target}"]`);
  }
  await shot('13-calendar-before-drag-1280');
  await drag(chip, day);
  await page.getByTestId('toast').filter({ hasText: 'Rescheduled' }).waitFor();
  await page.locator(`[data-testid=calendar-day][data-date="${target}"] [data-testid=calendar-post][data-post-id="${movedPostId}"]`).waitFor();
  await shot('14-calendar-after-drag-1280');

  // Into the past: refused with a toast.
  const yesterday = inZone(-86400).date;
  const past = page.locator(`[data-testid=calendar-day][data-date="${yesterday}"]`);
  if ((await past.count()) > 0) {
    await drag(page.locator(`[data-testid=calendar-post][data-post-id="${movedPostId}"]`).first(), past);
    await page.getByTestId('toast').filter({ hasText: 'past' }).waitFor();
    log('past drop refused');
  } else {
    log('yesterday not visible; skipped past drop');
  }
});

await step('queue', async () => {
  await nav(`${base}/compose`);
  await page.getByTestId('compose-channel').filter({ hasText: 'Second feed' }).click();
  await page.getByTestId('compose-text').fill('Queued without slots?');
  await page.getByTestId('compose-queue').click();
  await page.getByRole('alert').filter({ hasText: 'posting slots' }).waitFor();
  log('no-slot message:', await page.getByRole('alert').filter({ hasText: 'posting slots' }).innerText());
  await shot('18-compose-no-slots-1280');
  await page.getByTestId('compose-channel').filter({ hasText: 'Second feed' }).click();
  await page.getByTestId('compose-channel').filter({ hasText: 'Practice feed' }).click();
  await page.getByTestId('compose-queue').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  await page.locator('[data-testid=post-status][data-status=scheduled]').waitFor();
  log('queued:', await page.locator('main p').first().innerText(), '|', await page.locator('main h1 + p').innerText());
});

await step('post detail of moved post keeps local time', async () => {
  await nav(`${base}/posts/${movedPostId}`);
  await page.getByTestId('post-status').waitFor();
  log('moved post:', await page.locator('main h1 + p').innerText());
  await shot('19-post-scheduled-detail-1280');
});

await step('edit, reschedule, unschedule, duplicate, delete', async () => {
  // Edit the draft from its detail page.
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-row').filter({ hasText: 'rye recipe' }).click();
  await page.getByTestId('post-edit').click();
  await page.getByTestId('compose-text').fill('Draft: new rye recipe coming this Friday');
  await page.getByTestId('compose-save-draft').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  await page.locator('main h1', { hasText: 'coming this Friday' }).waitFor();
  // Reschedule the moved post to the 28th at 08:05 (zone time).
  await nav(`${base}/posts/${movedPostId}`);
  await page.getByTestId('post-reschedule').click();
  const d = inZone(5 * 86400);
  await page.getByTestId('reschedule-date').fill(d.date);
  await page.getByTestId('reschedule-time').fill('08:05');
  await shot('27-reschedule-dialog-1280');
  await page.getByTestId('reschedule-submit').click();
  await page.locator('main h1 + p', { hasText: '8:05' }).waitFor();
  log('rescheduled:', await page.locator('main h1 + p').innerText());
  // Unschedule (back to draft), duplicate, delete the copy.
  await page.getByTestId('post-cancel').click();
  await page.locator('dialog[open] button[type=submit]').click();
  await page.locator('[data-testid=post-status][data-status=draft]').waitFor();
  await page.getByTestId('post-duplicate').click();
  await page.waitForURL(/\/edit$/);
  const copyUrl = page.url().replace(/\/edit$/, '');
  await nav(copyUrl);
  await page.getByTestId('post-delete').click();
  await page.locator('dialog[open] button[type=submit]').click();
  await page.waitForURL(/\/posts$/);
  log('duplicate deleted; rows now:', await page.getByTestId('post-row').count());
  // Publish the (now draft) moved post right away, from its page.
  await nav(`${base}/posts/${movedPostId}`);
  await page.getByTestId('post-publish-now').click();
  await page.locator('[data-testid=post-status][data-status=published]').waitFor({ timeout: 30_000 });
  log('published from detail page');
  // Media in use by an unpublished post can't be deleted.
  await nav(`${base}/compose`);
  await page.getByTestId('compose-channel').first().click();
  await page.getByTestId('compose-text').fill('Croissant Friday');
  await page.locator('[data-testid=compose-media-item][aria-label*="croissant"]').click();
  await page.getByTestId('compose-save-draft').click();
  await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
  await page.getByTestId('nav-media').click();
  await page.getByTestId('media-item').filter({ hasText: 'croissant' }).click();
  await page.getByTestId('media-delete').click();
  await page.getByTestId('media-delete-confirm').click();
  await page.getByRole('alert').filter({ hasText: 'still in use' }).waitFor();
  log('media in use:', (await page.getByRole('alert').filter({ hasText: 'still in use' }).innerText()).replace(/\s+/g, ' '));
  await shot('28-media-in-use-1280');
  await page.keyboard.press('Escape');
});

await step('posts list', async () => {
  await page.getByTestId('nav-posts').click();
  await page.getByTestId('post-row').first().waitFor();
  await shot('15-posts-1280');
});

await step('week view + other screenshots', async () => {
  await page.getByTestId('nav-calendar').click();
  await page.getByTestId('calendar-view-week').click();
  await page.getByTestId('calendar-week').waitFor();
  await shot('16-calendar-week-1280');
  await page.getByTestId('calendar-view-month').click();
  await shot('17-calendar-month-1280');
});

await step('phone 390', async () => {
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, storageState: await ctx.storageState() });
  const p = await phone.newPage();
  p.on('pageerror', (e) => problems.push(`phone pageerror: ${e.message}`));
  // One page load, then the drawer's links: every reload spends a (rate-limited) session refresh.
  await p.goto(`${base}/calendar`);
  await p.getByTestId('calendar-week').waitFor();
  await shot('20-phone-calendar-week', p);
  await p.getByTestId('calendar-view-month').click();
  await p.getByTestId('calendar-month').waitFor();
  await shot('21-phone-calendar-month', p);
  const go = async (testId) => {
    await p.getByTestId('open-nav').click();
    await p.getByTestId(testId).click();
  };
  await p.getByTestId('calendar-view-week').click();
  await p.locator(`[data-testid=calendar-post][data-post-id="${publishedPostId}"]`).first().click();
  await p.getByTestId('post-status').waitFor();
  await shot('23-phone-post', p);
  await go('nav-compose');
  await p.getByTestId('compose-channel').first().click();
  await p.getByTestId('compose-text').fill('Phone test');
  await shot('22-phone-compose', p);
  await go('nav-channels');
  await p.getByTestId('channel-row').first().waitFor();
  await shot('24-phone-channels', p);
  await go('nav-media');
  await p.getByTestId('media-item').first().waitFor();
  await shot('25-phone-media', p);
  await go('nav-posts');
  await p.getByTestId('post-row').first().waitFor();
  await shot('26-phone-posts', p);
  const feed = await p.evaluate(() => document.querySelector('[data-testid=post-row]') !== null);
  await phone.close();
  log('phone ok', feed);
});

await writeFile(`${SHOTS}/problems.txt`, problems.join('\n'));
log('problems:', problems.length ? `\n  ${problems.join('\n  ')}` : 'none');
await browser.close();
await rm(ASSETS, { recursive: true, force: true });
if (problems.some((p) => p.includes('pageerror'))) process.exitCode = 1;
