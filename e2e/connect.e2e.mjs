// Connecting a real network, against the X contract fake (server/test/fakes/serve-x.ts) in its own
// process: setup → workspace → channels page → "Connect X" → the fake's consent (it redirects at once)
// → account picker → channel listed with its health → a post published to it from the composer (the
// fake holds it once; the post page links to it on x.com); then a refused consent and a bad callback
// link show plain messages. Screenshots go to e2e/screenshots/connect-*.png.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { launchBrowser, ROOT, setUpFirstOwner, shot as rawShot, startHerald, step } from './lib.mjs';

/** Starts the fake X platform; resolves with its URLs (printed as one JSON line) and a stop function. */
async function startFakeX(redirectUri) {
  const child = spawn('npx', ['tsx', 'test/fakes/serve-x.ts', '--redirect-uri', redirectUri], { cwd: join(ROOT, 'server'), stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d) => (errors += d));
  const lines = createInterface({ input: child.stdout });
  const info = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the fake X did not start:\n${errors}`)), 60_000);
    child.once('exit', (code) => reject(new Error(`the fake X exited (${code}):\n${errors}`)));
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line));
    });
  });
  return {
    ...info,
    async tweets() {
      const res = await fetch(`${info.controlUrl}/__control/tweets`);
      assert.equal(res.status, 200);
      return res.json();
    },
    async denyNext() {
      const res = await fetch(`${info.controlUrl}/__control/deny-next`, { method: 'POST' });
      assert.equal(res.status, 200);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      // Closing stdin asks it to stop; a signal makes sure.
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGTERM'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * A screenshot once the page has stopped loading: no spinner, loading list or skeleton left. Not
 * 'networkidle': every workspace page keeps its live-update event stream open, so the network is
 * never idle there (the wait only ended when the stream happened to open late).
 */
async function shot(page, name) {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => !document.querySelector('[role="status"] .animate-spin, [aria-label="Loading"], .animate-pulse.rounded-md'));
  return rawShot(page, name);
}

export default async function connect() {
  let fakeX;
  const herald = await startHerald(async (url) => {
    fakeX = await startFakeX(`${url}/api/v1/oauth/x/callback`);
    return {
      X_CLIENT_ID: fakeX.clientId,
      X_CLIENT_SECRET: fakeX.clientSecret,
      HERALD_X_AUTH_URL: fakeX.authorizeUrl,
      HERALD_X_API_URL: fakeX.url,
      HERALD_PUBLIC_URL: url,
    };
  }).catch(async (err) => {
    await fakeX?.stop();
    throw err;
  });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e));

    await step('set up the owner and a workspace', async () => {
      await setUpFirstOwner(page, herald.url, { name: 'Cora Connect', email: 'cora@example.com', password: 'a very good password', org: 'Acme Holdings' });
      await page.getByTestId('new-workspace').first().click();
      await page.getByTestId('workspace-name').fill('Acme Coffee');
      await page.getByTestId('workspace-submit').click();
      await page.getByTestId('nav-channels').click();
      await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}\/channels$/);
    });

    const connectButton = (platform) => page.locator(`[data-testid="connect-platform"][data-platform="${platform}"]`);

    await step('the channels page offers X and explains why the others are off', async () => {
      await connectButton('x').waitFor();
      assert.equal(await connectButton('x').isEnabled(), true);
      assert.equal(await connectButton('sandbox').isEnabled(), true);
      for (const platform of ['facebook', 'instagram', 'tiktok', 'linkedin']) {
        assert.equal(await connectButton(platform).isDisabled(), true, `${platform} should be disabled`);
        assert.match(await connectButton(platform).getByTestId('connect-platform-reason').innerText(), /administrator must set/);
      }
      await shot(page, 'connect-01-channels-empty');
    });

    await step('Connect X → consent → the picker shows the account', async () => {
      await connectButton('x').click();
      await page.waitForURL(/\/connections\/[0-9a-f-]{36}$/);
      const option = page.getByTestId('account-option').filter({ hasText: 'Acme Coffee' });
      await option.waitFor();
      assert.match(await option.innerText(), /@acmecoffee/);
      assert.equal(await option.locator('input[type=checkbox]').isChecked(), true, 'the only account is preselected');
      assert.equal(await page.getByTestId('connect-accounts').innerText(), 'Connect 1 account');
      await shot(page, 'connect-02-picker');
    });

    await step('connecting lists the channel with its health', async () => {
      await page.getByTestId('connect-accounts').click();
      await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}\/channels$/);
      await page.getByTestId('connect-success').waitFor();
      const row = page.getByTestId('channel-row').filter({ hasText: 'Acme Coffee' });
      await row.waitFor();
      assert.equal(await row.getAttribute('data-status'), 'active');
      const health = row.getByTestId('channel-health');
      await health.waitFor();
      assert.match(await health.getAttribute('data-token-state'), /^(valid|expiring)$/);
      assert.match(await health.innerText(), /Connected/);
      await shot(page, 'connect-03-channel-connected');
    });

    await step('a post composed for the X channel is published there, once', async () => {
      const text = `Fresh roast today, from Herald ${Date.now()}`;
      const channelId = await page.getByTestId('channel-row').filter({ hasText: 'Acme Coffee' }).getAttribute('data-channel-id');
      assert.ok(channelId, 'the channel row names its id');
      await page.getByTestId('nav-compose').click();
      const chip = page.locator(`[data-testid="compose-channel"][data-channel-id="${channelId}"]`);
      await chip.click();
      assert.equal(await chip.getAttribute('data-selected'), 'true');
      await page.getByTestId('compose-text').fill(text);
      await page.locator(`[data-testid="compose-counter"][data-channel-id="${channelId}"]`).filter({ hasText: `${[...text].length} /` }).waitFor();
      await page.getByTestId('compose-publish-now').click();
      await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
      await page.getByTestId('post-status').filter({ hasText: /^Published$/ }).waitFor({ timeout: 30_000 });
      const link = page.getByTestId('target-permalink');
      await link.waitFor();
      const sent = (await fakeX.tweets()).filter((t) => t.text === text);
      assert.equal(sent.length, 1, 'X holds the post exactly once');
      assert.equal(await link.getAttribute('href'), `https://x.com/acmecoffee/status/${sent[0].id}`);
      await shot(page, 'connect-03b-published-to-x');
      await page.getByTestId('nav-channels').click();
      await page.waitForURL(/\/channels$/);
    });

    await step('connecting the same account again is marked as a reconnect', async () => {
      await connectButton('x').click();
      await page.getByTestId('account-option').filter({ hasText: 'Acme Coffee' }).getByTestId('account-reconnect').waitFor();
      await shot(page, 'connect-04-picker-reconnect');
    });

    await step('a refused consent says so in plain words', async () => {
      await page.goBack();
      await page.waitForURL(/\/channels$/);
      await fakeX.denyNext();
      await connectButton('x').click();
      await page.waitForURL(/\/connections\/[0-9a-f-]{36}$/);
      const message = page.getByTestId('connection-error');
      await message.waitFor();
      assert.match(await message.innerText(), /did not grant Herald access/);
      await page.getByTestId('connection-retry').waitFor();
      assert.doesNotMatch(await page.locator('main').innerText(), /\bat \w+ \(|Error:|stack/i);
      await shot(page, 'connect-05-consent-refused');
      await page.getByTestId('connection-back').click();
      await page.waitForURL(/\/channels$/);
      await page.getByTestId('channel-row').filter({ hasText: 'Acme Coffee' }).waitFor();
      assert.equal(await page.getByTestId('channel-row').count(), 1, 'the refused consent added nothing');
    });

    await step('a callback link Herald never issued shows a clear message', async () => {
      const res = await fetch(`${herald.url}/api/v1/oauth/x/callback?code=abc&state=not-a-real-state`, { redirect: 'manual' });
      assert.equal(res.status, 302);
      const location = res.headers.get('location');
      assert.match(location, /\/connections\/failed\?reason=invalid_state$/);
      await page.goto(location);
      const problem = page.getByTestId('connection-problem');
      await problem.waitFor();
      assert.match(await problem.innerText(), /invalid or has expired/);
      await shot(page, 'connect-06-invalid-link');
    });

    await step('the notifications bell opens its panel', async () => {
      await page.getByTestId('notifications-bell').click();
      await page.getByTestId('notifications-panel').waitFor();
      await page.getByTestId('notifications-empty').waitFor();
      await shot(page, 'connect-07-notifications');
    });

    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await browser.close();
    await herald.stop();
    await fakeX?.stop();
  }
}
