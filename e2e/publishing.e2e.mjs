// The publishing path as a person walks it: first-run setup → organization and workspace → two sandbox
// channels → an image in the media library → one post for both channels with the image, scheduled 10 s
// ahead with the date and time pickers → the calendar turns it published by itself → both sandbox
// feeds show it with the image → a second scheduled post dragged to another day keeps its time of day.
// The browser runs in another time zone than the workspace, so every date and time here is the
// workspace's. Screenshots go to e2e/screenshots/.
import assert from 'node:assert/strict';
import { crc32, deflateSync } from 'node:zlib';
import { launchBrowser, setUpFirstOwner, shot, startHerald, step } from './lib.mjs';

const ZONE = 'Asia/Kolkata';
const BROWSER_ZONE = 'America/Los_Angeles';
const DAY_MS = 24 * 3600 * 1000;
const OWNER = { name: 'Priya Baker', email: 'priya@example.com', password: 'flour water salt yeast', org: 'Priya Studio' };

/** `YYYY-MM-DD` and `HH:MM:SS` of `instant` on the wall clocks of `zone`. */
function wallClock(instant, zone) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(instant);
  const part = (type) => parts.find((p) => p.type === type).value;
  return { date: `${part('year')}-${part('month')}-${part('day')}`, time: `${part('hour')}:${part('minute')}:${part('second')}` };
}

/** A calendar date `days` after `date` (both `YYYY-MM-DD`). */
function addDays(date, days) {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO weekday, 1 = Monday … 7 = Sunday (the calendar's weeks start on Monday). */
function weekday(date) {
  return new Date(`${date}T00:00:00Z`).getUTCDay() || 7;
}

/** A `width`×`height` PNG: a diagonal gradient, enough to tell a loaded image from a broken one. */
function gradientPng(width, height) {
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, default compression, filter and no interlace
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1); // each row starts with filter type 0
    for (let x = 0; x < width; x++) rows.set([200, Math.round((255 * x) / width), Math.round((255 * y) / height)], row + 1 + x * 3);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * Drags `source` onto `target` the way a hand does: press, a few small moves, then across. A single
 * jump (`locator.dragTo`) did not start an HTML5 drag on the calendar's chips in this Chromium.
 */
async function dragAndDrop(page, source, target) {
  const from = await source.boundingBox();
  const to = await target.boundingBox();
  assert.ok(from && to, 'both ends of the drag are on screen');
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 12, from.y + from.height / 2, { steps: 4 });
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 12 });
  await page.mouse.up();
}

/** Polls `read` until `done(value)` holds; fails with the last value seen. */
async function waitUntil(what, read, done, timeoutMs = 60_000, everyMs = 500) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export default async function publishing() {
  const herald = await startHerald();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, timezoneId: BROWSER_ZONE });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));

    await step('first-run setup', async () => {
      await setUpFirstOwner(page, herald.url, OWNER);
    });

    let workspacePath;
    await step('create an organization and a workspace', async () => {
      await page.getByTestId('org-switcher').click();
      await page.getByTestId('create-org').click();
      await page.getByTestId('org-name').fill('Harbour Bakery Group');
      await page.getByTestId('org-submit').click();
      await page.getByTestId('org-switcher').filter({ hasText: 'Harbour Bakery Group' }).waitFor();
      await page.getByTestId('new-workspace').first().click();
      await page.getByTestId('workspace-name').fill('Harbour Bakery');
      // Found by a city: Mumbai is in Asia/Kolkata, listed first with its offset.
      const tz = page.getByTestId('workspace-timezone');
      await tz.fill('Mumbai');
      await page.getByRole('option').first().filter({ hasText: 'Asia/Kolkata' }).filter({ hasText: 'GMT+5:30' }).waitFor();
      await tz.press('Enter');
      assert.equal(await tz.inputValue(), 'Asia/Kolkata');
      await page.getByTestId('workspace-submit').click();
      await page.waitForURL(/\/orgs\/[0-9a-f-]{36}\/workspaces\/[0-9a-f-]{36}\/calendar/);
      workspacePath = new URL(page.url()).pathname.replace(/\/calendar$/, '');
    });

    const channelIds = [];
    await step('connect two sandbox channels', async () => {
      await page.getByTestId('nav-channels').click();
      for (const name of ['Bakery feed', 'Bakery stories']) {
        await page.getByTestId('add-sandbox-channel').first().click();
        await page.getByTestId('sandbox-channel-name').fill(name);
        await page.getByTestId('sandbox-channel-submit').click();
        const row = page.getByTestId('channel-row').filter({ has: page.getByTestId('channel-name').filter({ hasText: name }) });
        await row.waitFor();
        assert.equal(await row.getAttribute('data-status'), 'active');
        channelIds.push(await row.getAttribute('data-channel-id'));
      }
      await shot(page, 'publishing-01-channels');
    });

    let mediaId;
    await step('upload an image to the media library', async () => {
      await page.getByTestId('nav-media').click();
      await page.getByTestId('media-upload').setInputFiles({ name: 'croissant.png', mimeType: 'image/png', buffer: gradientPng(640, 400) });
      await page.locator('[data-testid="upload-item"][data-state="done"]').waitFor();
      const item = page.getByTestId('media-item').first();
      await item.waitFor();
      mediaId = await item.getAttribute('data-media-id');
      assert.match(mediaId, /^[0-9a-f-]{36}$/);
      await shot(page, 'publishing-02-media');
    });

    const firstText = 'Fresh croissants are out of the oven 🥐';
    let firstPostId;
    await step('compose one post for both channels with the image, scheduled 10 s ahead', async () => {
      await page.getByTestId('nav-compose').click();
      for (const id of channelIds) await page.locator(`[data-testid="compose-channel"][data-channel-id="${id}"]`).click();
      for (const id of channelIds) assert.equal(await page.locator(`[data-testid="compose-channel"][data-channel-id="${id}"]`).getAttribute('data-selected'), 'true');
      await page.getByTestId('compose-text').fill(firstText);
      await page.locator(`[data-testid="compose-media-item"][data-media-id="${mediaId}"]`).click();
      await page.locator(`[data-testid="compose-attached"][data-media-id="${mediaId}"]`).waitFor();
      // The live checks have answered for both channels before we pick the time.
      for (const id of channelIds) await page.locator(`[data-testid="compose-counter"][data-channel-id="${id}"]`).filter({ hasText: `${[...firstText].length} /` }).waitFor();
      assert.match(await page.getByTestId('compose-schedule-zone').innerText(), /Kolkata|India|GMT\+5:30/);
      const at = wallClock(new Date(Date.now() + 10_000), ZONE);
      await page.getByTestId('compose-schedule-date').fill(at.date);
      await page.getByTestId('compose-schedule-time').fill(at.time);
      await shot(page, 'publishing-03-compose');
      await page.getByTestId('compose-schedule').click();
      await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
      firstPostId = new URL(page.url()).pathname.split('/').at(-1);
    });

    await step('the posts list and the calendar (another tab) turn it published by themselves', async () => {
      const calendarTab = await context.newPage();
      calendarTab.on('pageerror', (e) => errors.push(e));
      await calendarTab.goto(`${herald.url}${workspacePath}/calendar`);
      const chip = calendarTab.locator(`[data-testid="calendar-post"][data-post-id="${firstPostId}"]`);
      await chip.waitFor();
      await page.getByTestId('nav-posts').click();
      const row = page.locator(`[data-testid="post-row"][data-post-id="${firstPostId}"]`);
      await row.waitFor();
      await page.locator('[data-testid="live-status"][data-status="live"]').waitFor();
      // Marks this document: a reload would lose the mark.
      await page.evaluate(() => {
        window.heraldNoReload = true;
      });
      const seen = new Set();
      const chipSeen = new Set();
      await waitUntil(
        'the list row and the calendar chip to say published',
        async () => {
          const status = await row.getAttribute('data-status');
          const chipStatus = await chip.getAttribute('data-status');
          seen.add(status);
          chipSeen.add(chipStatus);
          return [status, chipStatus];
        },
        ([status, chipStatus]) => status === 'published' && chipStatus === 'published',
        90_000,
        250,
      );
      assert.ok(seen.has('scheduled') || seen.has('publishing'), `the row went straight to published: ${[...seen]}`);
      assert.ok(chipSeen.has('scheduled') || chipSeen.has('publishing'), `the chip went straight to published: ${[...chipSeen]}`);
      assert.equal(await page.evaluate(() => window.heraldNoReload), true, 'the posts list updated without a reload');
      await shot(page, 'publishing-04-posts-published');
      await shot(calendarTab, 'publishing-04-calendar-published');
      await calendarTab.close();
    });

    await step('both sandbox feeds show the post with its image', async () => {
      for (const [index, channelId] of channelIds.entries()) {
        await page.getByTestId('nav-channels').click();
        await page.locator(`[data-testid="channel-row"][data-channel-id="${channelId}"]`).getByTestId('channel-feed').click();
        await page.waitForURL(`**/sandbox/${channelId}`);
        const item = page.getByTestId('sandbox-feed-item').filter({ hasText: firstText });
        await item.waitFor();
        assert.equal(await page.getByTestId('sandbox-feed-item').count(), 1);
        const image = item.locator('img').first();
        await image.waitFor();
        await page.waitForFunction((img) => img.complete, await image.elementHandle());
        const size = await image.evaluate((img) => ({ width: img.naturalWidth, height: img.naturalHeight }));
        assert.ok(size.width > 0 && size.height > 0, `the feed image did not load: ${JSON.stringify(size)}`);
        await shot(page, `publishing-05-sandbox-feed-${index + 1}`);
      }
    });

    // The second post goes out on `from`, two days ahead; it is dragged to a neighbouring day in the
    // same week (so both are on screen in any month view), never before tomorrow.
    const today = wallClock(new Date(), ZONE).date;
    const from = addDays(today, 2);
    const to = weekday(from) === 7 ? addDays(from, -1) : addDays(from, 1);
    await step('unsaved work: leaving the composer asks first, and the text comes back as a local draft', async () => {
      const unsaved = 'Half-written: our rye is back on Friday';
      await page.getByTestId('nav-compose').click();
      await page.locator(`[data-testid="compose-channel"][data-channel-id="${channelIds[0]}"]`).click();
      await page.getByTestId('compose-text').fill(unsaved);
      await page.getByTestId('nav-posts').click();
      await page.getByTestId('compose-leave-dialog').waitFor();
      await shot(page, 'publishing-05a-leave-warning');
      await page.getByTestId('compose-stay').click();
      assert.match(page.url(), /\/compose$/);
      assert.equal(await page.getByTestId('compose-text').inputValue(), unsaved);
      // Closing or reloading the tab asks too (the browser's own prompt).
      const prompts = [];
      page.once('dialog', (dialog) => {
        prompts.push(dialog.type());
        void dialog.accept();
      });
      await page.reload();
      assert.deepEqual(prompts, ['beforeunload']);
      await page.getByTestId('compose-restore').waitFor();
      assert.match(await page.getByTestId('compose-restore').innerText(), /Restore your unsaved draft from \d{1,2}:\d{2}\s?[AP]M IST\?/);
      await shot(page, 'publishing-05b-restore-offer');
      await page.getByTestId('compose-restore-yes').click();
      assert.equal(await page.getByTestId('compose-text').inputValue(), unsaved);
      assert.equal(await page.locator(`[data-testid="compose-channel"][data-channel-id="${channelIds[0]}"]`).getAttribute('data-selected'), 'true');
      // Leave for real; the draft is offered again, and discarding it clears the composer for good.
      await page.getByTestId('nav-posts').click();
      await page.getByTestId('compose-leave').click();
      await page.waitForURL(/\/posts$/);
      await page.getByTestId('post-list').waitFor();
      await page.getByTestId('nav-compose').click();
      await page.waitForURL(/\/compose$/);
      await page.getByTestId('compose-restore-no').click();
      assert.equal(await page.getByTestId('compose-text').inputValue(), '');
      await page.reload();
      await page.getByTestId('compose-text').waitFor();
      assert.equal(await page.getByTestId('compose-restore').count(), 0);
    });

    await step('a long text keeps the buttons on screen, and a draft over the limit still saves', async () => {
      await page.locator(`[data-testid="compose-channel"][data-channel-id="${channelIds[0]}"]`).click();
      const long = Array.from({ length: 120 }, (_, i) => `Line ${i + 1}: ${'crumb '.repeat(7)}`).join('\n');
      assert.ok(long.length > 5000, 'longer than the sandbox allows');
      await page.getByTestId('compose-text').fill(long);
      await page.locator(`[data-testid="compose-counter"][data-channel-id="${channelIds[0]}"][data-over="true"]`).waitFor();
      const viewport = page.viewportSize();
      for (const id of ['compose-schedule', 'compose-save-draft']) {
        const box = await page.getByTestId(id).boundingBox();
        assert.ok(box && box.y >= 0 && box.y + box.height <= viewport.height, `${id} is on screen: ${JSON.stringify(box)}`);
      }
      assert.equal(await page.getByTestId('compose-schedule').isDisabled(), true);
      assert.equal(await page.getByTestId('compose-save-draft').isDisabled(), false);
      await shot(page, 'publishing-05c-long-draft');
      await page.getByTestId('compose-save-draft').click();
      await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
      await page.getByTestId('post-status').filter({ hasText: /draft/i }).waitFor();
      await page.getByText('This post breaks a channel’s rules').waitFor();
    });

    const secondText = 'Sourdough class this weekend: book a place';
    let secondPostId;
    await step('schedule a second post two days ahead', async () => {
      await page.getByTestId('nav-compose').click();
      await page.locator(`[data-testid="compose-channel"][data-channel-id="${channelIds[0]}"]`).click();
      await page.getByTestId('compose-text').fill(secondText);
      await page.locator(`[data-testid="compose-counter"][data-channel-id="${channelIds[0]}"]`).filter({ hasText: `${secondText.length} /` }).waitFor();
      await page.getByTestId('compose-schedule-date').fill(from);
      await page.getByTestId('compose-schedule-time').fill('10:30');
      await page.getByTestId('compose-schedule').click();
      await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
      secondPostId = new URL(page.url()).pathname.split('/').at(-1);
      assert.notEqual(secondPostId, firstPostId);
    });

    await step('drag it to another day in the calendar', async () => {
      await page.getByTestId('nav-calendar').click();
      await page.getByTestId('calendar-month').waitFor();
      if ((await page.locator(`[data-testid="calendar-day"][data-date="${from}"]`).count()) === 0) await page.getByTestId('calendar-next').click();
      const fromDay = page.locator(`[data-testid="calendar-day"][data-date="${from}"]`);
      const toDay = page.locator(`[data-testid="calendar-day"][data-date="${to}"]`);
      const chip = fromDay.locator(`[data-testid="calendar-post"][data-post-id="${secondPostId}"]`);
      await chip.waitFor();
      const shownTime = await chip.locator('span.tabular-nums').innerText();
      await shot(page, 'publishing-06-calendar-before-drag');
      await dragAndDrop(page, chip, toDay);
      const moved = toDay.locator(`[data-testid="calendar-post"][data-post-id="${secondPostId}"]`);
      await moved.waitFor();
      await page.getByTestId('toast').filter({ hasText: 'Rescheduled' }).waitFor();
      assert.equal(await fromDay.locator(`[data-testid="calendar-post"][data-post-id="${secondPostId}"]`).count(), 0);
      // After the server's answer and the refetch, the chip is still there, at the same time of day.
      await page.reload();
      await moved.waitFor();
      assert.equal(await moved.getAttribute('data-status'), 'scheduled');
      assert.equal(await moved.locator('span.tabular-nums').innerText(), shownTime);
      await shot(page, 'publishing-07-calendar-after-drag');
    });

    await step('the API agrees: moved by whole days, same time of day', async () => {
      const login = await fetch(`${herald.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: OWNER.email, password: OWNER.password }),
      });
      assert.equal(login.status, 200);
      const { accessToken } = await login.json();
      const res = await fetch(`${herald.url}/api/v1/posts/${secondPostId}`, { headers: { authorization: `Bearer ${accessToken}` } });
      assert.equal(res.status, 200);
      const post = await res.json();
      const scheduledAt = new Date(post.scheduledAt);
      assert.deepEqual(wallClock(scheduledAt, ZONE), { date: to, time: '10:30:00' });
      const before = Date.parse(`${from}T10:30:00+05:30`);
      const days = (scheduledAt.getTime() - before) / DAY_MS;
      assert.equal(days, Date.parse(to) > Date.parse(from) ? 1 : -1);
      assert.ok(post.targets.every((t) => t.status === 'scheduled' && t.scheduledAt === post.scheduledAt));

      const first = await (await fetch(`${herald.url}/api/v1/posts/${firstPostId}`, { headers: { authorization: `Bearer ${accessToken}` } })).json();
      assert.equal(first.status, 'published');
      assert.deepEqual(first.targets.map((t) => t.status), ['published', 'published']);
    });

    await step('the post page shows the new day and the same time', async () => {
      await page.goto(`${herald.url}${workspacePath}/posts/${secondPostId}`);
      await page.getByTestId('post-status').filter({ hasText: /scheduled/i }).waitFor();
      const day = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${to}T00:00:00Z`));
      const card = page.getByTestId('target-card');
      await card.filter({ hasText: day }).filter({ hasText: '10:30' }).waitFor();
      await shot(page, 'publishing-08-post-after-drag');
    });

    assert.deepEqual(errors.map(String), []);
  } catch (err) {
    for (const open of browser.contexts().flatMap((c) => c.pages())) await shot(open, 'publishing-failure').catch(() => undefined);
    console.error(herald.output().slice(-4000));
    throw err;
  } finally {
    await browser.close();
    await herald.stop();
  }
}
