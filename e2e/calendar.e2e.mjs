// The calendar on its slim answer: a busy day shows its first 4 posts and "+N more" in the month view,
// the week view shows all of them. Posts are made through the API; the browser only reads.
// Screenshots: e2e/screenshots/.
import assert from 'node:assert/strict';
import { launchBrowser, setUpFirstOwner, shot, startHerald, step } from './lib.mjs';

const OWNER = { name: 'Marta Florist', email: 'marta@example.com', password: 'petals stems water light', org: 'Marta Flowers' };
const ZONE = 'Europe/Lisbon';

async function api(base, method, path, token, body) {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export default async function calendar() {
  const herald = await startHerald();
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'America/New_York' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));

    await step('first-run setup', async () => setUpFirstOwner(page, herald.url, OWNER));

    // Next month, so every post is in the future; the 10th is the busy day.
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const ym = month.toISOString().slice(0, 7);
    const busy = `${ym}-10`;
    let path;
    await step('a workspace with a channel and 11 posts through the API', async () => {
      const { accessToken: token } = await api(herald.url, 'POST', '/auth/login', null, { email: OWNER.email, password: OWNER.password });
      const me = await api(herald.url, 'GET', '/me', token);
      const orgId = me.memberships[0].organization.id;
      const ws = await api(herald.url, 'POST', `/orgs/${orgId}/workspaces`, token, { name: 'Shop', timezone: ZONE });
      const channel = await api(herald.url, 'POST', `/workspaces/${ws.id}/channels/sandbox`, token, { name: 'Shop feed' });
      const texts = ['Tulips are in', 'Peonies, at last', 'Workshop: spring wreaths', 'Saturday market stall', 'Wedding season opens', 'Roses for the weekend'];
      for (const [i, text] of texts.entries()) {
        await api(herald.url, 'POST', `/workspaces/${ws.id}/posts`, token, { text: `${text}\nMore details below.`, channelIds: [channel.id], scheduledAt: `${busy}T${String(8 + i).padStart(2, '0')}:30:00+01:00` });
      }
      for (const [day, text] of [['03', 'New opening hours'], ['17', 'Mother’s day pre-orders'], ['17', 'Dried flowers are back'], ['24', 'Thank you for a great month'], ['28', 'Plant care tips']]) {
        await api(herald.url, 'POST', `/workspaces/${ws.id}/posts`, token, { text, channelIds: [channel.id], scheduledAt: `${ym}-${day}T11:00:00+01:00` });
      }
      path = `/orgs/${orgId}/workspaces/${ws.id}/calendar`;
    });

    await step('month view: 4 posts on the busy day and "+2 more"', async () => {
      await page.goto(`${herald.url}${path}?view=month&date=${busy}`);
      const day = page.locator(`[data-testid="calendar-day"][data-date="${busy}"]`);
      await day.locator('[data-testid="calendar-post"]').first().waitFor();
      assert.equal(await day.locator('[data-testid="calendar-post"]').count(), 4);
      assert.equal((await day.getByTestId('calendar-more').innerText()).trim(), '+2 more');
      assert.match((await day.getAttribute('aria-label')) ?? '', /6 posts/);
      assert.equal(await day.locator('[data-testid="calendar-post"]').first().innerText().then((t) => t.includes('Tulips are in')), true);
      await shot(page, 'calendar-01-month');
    });

    await step('"+2 more" opens the week with all 6', async () => {
      await page.locator(`[data-testid="calendar-day"][data-date="${busy}"]`).getByTestId('calendar-more').click();
      await page.getByTestId('calendar-week').waitFor();
      const day = page.locator(`[data-testid="calendar-day"][data-date="${busy}"]`);
      await day.locator('[data-testid="calendar-post"]').nth(5).waitFor();
      assert.equal(await day.locator('[data-testid="calendar-post"]').count(), 6);
      await shot(page, 'calendar-02-week');
    });

    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    await herald.stop();
  }
}
