// First-run setup → create organization → create workspace → invite a member → the member creates an
// account and joins in one step in a second browser context → the member sees the workspace; the
// profile shows the email's verification state; the owner can hand a member a reset link (no mail).
// Screenshots go to e2e/screenshots/.
import assert from 'node:assert/strict';
import { launchBrowser, recordCspViolations, shot, startHerald, step } from './lib.mjs';

export default async function foundation() {
  const herald = await startHerald();
  const browser = await launchBrowser();
  try {
    const owner = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await owner.newPage();
    const errors = [];
    const cspViolations = [];
    page.on('pageerror', (e) => errors.push(e));
    recordCspViolations(page, cspViolations);

    await step('first visit offers the owner setup', async () => {
      await page.goto(herald.url);
      await page.waitForURL('**/setup');
      await shot(page, 'foundation-01-setup');
      await page.getByTestId('setup-name').fill('Olivia Owner');
      await page.getByTestId('setup-email').fill('olivia@example.com');
      await page.getByTestId('setup-password').fill('a very good password');
      await page.getByTestId('setup-org').fill('Olivia Studio');
      await page.getByTestId('setup-submit').click();
      await page.waitForURL(/\/orgs\/[0-9a-f-]{36}$/);
    });

    await step('create an organization', async () => {
      await page.getByTestId('org-switcher').click();
      await page.getByTestId('create-org').click();
      await page.getByTestId('org-name').fill('Acme Agency');
      await page.getByTestId('org-submit').click();
      await page.getByTestId('org-switcher').filter({ hasText: 'Acme Agency' }).waitFor();
      await shot(page, 'foundation-02-organization');
    });

    await step('create a workspace', async () => {
      await page.getByTestId('new-workspace').first().click();
      await page.getByTestId('workspace-name').fill('Blue Bottle Café');
      const tz = page.getByTestId('workspace-timezone');
      await tz.fill('Asia/Kolkata');
      await tz.press('Enter');
      await page.getByTestId('workspace-submit').click();
      // Creating opens the new workspace; going back to the list before that would race it.
      await page.waitForURL(/\/workspaces\/[0-9a-f-]{36}\/calendar/);
      await page.getByTestId('nav-workspaces').click();
      await page.getByTestId('workspace-card').filter({ hasText: 'Blue Bottle Café' }).waitFor();
      await shot(page, 'foundation-03-workspace');
    });

    let inviteUrl;
    await step('invite a member', async () => {
      await page.getByTestId('nav-members').click();
      await page.getByTestId('invite-email').fill('mia@example.com');
      await page.getByTestId('invite-role').selectOption('editor');
      await page.getByTestId('invite-submit').click();
      const link = page.getByTestId('invite-link');
      await link.waitFor();
      inviteUrl = await link.inputValue();
      assert.match(inviteUrl, /\/invite\/[A-Za-z0-9_-]{20,}$/);
      await shot(page, 'foundation-04-invitation');
    });

    await step('the member signs up and accepts in another browser', async () => {
      const memberContext = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const member = await memberContext.newPage();
      recordCspViolations(member, cspViolations);
      member.on('pageerror', (e) => errors.push(e));
      await member.goto(inviteUrl);
      await member.getByTestId('invite-register').click();
      await member.getByTestId('register-name').fill('Mia Member');
      const email = member.getByTestId('register-email');
      assert.equal(await email.inputValue(), 'mia@example.com');
      assert.equal(await email.getAttribute('readonly'), '');
      await member.getByTestId('register-password').fill('another good password');
      await shot(member, 'foundation-05-create-account-and-join');
      await member.getByTestId('register-submit').click();
      // One step: no "Accept invitation" button in between.
      await member.getByTestId('workspace-card').filter({ hasText: 'Blue Bottle Café' }).waitFor();
      assert.equal(await member.getByTestId('accept-invitation').count(), 0);
      await shot(member, 'foundation-05-member-sees-workspace');

      // The link was handed over (no mail here), so the address is not verified; the profile says so.
      await member.goto(`${herald.url}/profile`);
      await member.getByTestId('email-status').filter({ hasText: 'Not verified' }).waitFor();
      await shot(member, 'foundation-05-member-profile');
      await memberContext.close();
    });

    await step('the owner sees the new member', async () => {
      await page.reload();
      await page.getByTestId('member-row').filter({ hasText: 'Mia Member' }).waitFor();
      await shot(page, 'foundation-06-members');
    });

    await step('the owner hands Mia a one-time reset link (no mail on this server)', async () => {
      await page.getByTestId('member-row').filter({ hasText: 'Mia Member' }).getByTestId('member-reset').click();
      await page.getByTestId('reset-link-create').click();
      const link = page.getByTestId('reset-link');
      await link.waitFor();
      assert.match(await link.inputValue(), /\/reset-password\?token=[A-Za-z0-9_-]{40,}$/);
      await shot(page, 'foundation-07-member-reset-link');
    });

    await step('forgot password says truthfully that no mail can be sent', async () => {
      const guest = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const visitor = await guest.newPage();
      visitor.on('pageerror', (e) => errors.push(e));
      recordCspViolations(visitor, cspViolations);
      await visitor.goto(`${herald.url}/forgot-password`);
      await visitor.getByTestId('reset-no-mail').waitFor();
      assert.equal(await visitor.getByText('Check your inbox').count(), 0);
      await shot(visitor, 'foundation-08-forgot-password-no-mail');
      await guest.close();
    });

    await step('the API reference at /docs renders under the security policy', async () => {
      await page.goto(`${herald.url}/docs`);
      await page.locator('.opblock').first().waitFor();
      await page.locator('.opblock-summary').first().click();
      await page.locator('.opblock-body').first().waitFor();
      await shot(page, 'foundation-09-api-docs');
    });

    assert.deepEqual(errors.map(String), []);
    // The dashboard and /docs run under a Content-Security-Policy without inline scripts.
    assert.deepEqual(cspViolations, []);
  } finally {
    await browser.close();
    await herald.stop();
  }
}
