// The portal's main flows in headless Chromium against the real kernel: sign in, switch apps, create an API token
// (shown once), find it in the audit log, sign out. Screenshots land in test-results/screenshots/.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defineApp } from '@platform/kernel/apps/define-app.ts';
import { baseUrl, buildTestApp, type TestPlatform } from '@platform/testing';
import { browserTierSkipReason, launchBrowser } from '@platform/testing/browser.ts';

const skip = browserTierSkipReason();
const notes = defineApp({ id: 'notes', title: 'Field Notes', description: 'A hosted app for the switcher' });
const other = defineApp({ id: 'ledger', title: 'Ledger', description: 'A second hosted app' });

let platform: TestPlatform;
before(async () => {
  if (skip) return;
  platform = await buildTestApp({ apps: [notes, other], listen: true, portal: true });
  await platform.kernel.identity.createUser({
    username: 'ada',
    password: 'ada-lovelace-1815',
    roles: ['admin'],
    displayName: 'Ada',
  });
});
after(() => platform?.close());

test('sign in, switch apps, create a token shown once, see it audited, sign out', {
  skip,
  timeout: 120_000,
}, async (t) => {
  const browser = (await launchBrowser(t))!;
  const { page } = browser;
  const base = baseUrl(platform);
  try {
    await flows();
  } catch (error) {
    await browser.screenshot('portal-failure');
    throw error;
  }

  async function flows() {
    await page.goto(`${base}/`);
    await page.waitForURL(/\/login/);
    await page.getByRole('textbox', { name: /username/i }).fill('ada');
    await page.locator('input[type="password"]').fill('ada-lovelace-1815');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Field Notes').first().waitFor();
    await browser.screenshot('portal-home');

    await page.getByRole('button', { name: /switch application/i }).click();
    const switcher = page.getByRole('menuitem', { name: /Ledger/ });
    await switcher.waitFor();
    assert.equal(
      await page.getByRole('menuitem', { name: /Field Notes/ }).count(),
      1,
      'the switcher lists the hosted apps',
    );
    await browser.screenshot('portal-app-switcher');
    await switcher.click();
    await page.waitForURL(/\/ledger\//);
    await page
      .getByRole('heading', { name: /Ledger/ })
      .first()
      .waitFor();
    await browser.screenshot('portal-app-ledger');

    await page.goto(`${base}/tokens`);
    await page.getByRole('button', { name: 'Create token' }).first().click();
    await page.locator('#token-name').fill('deploy-bot');
    await page.getByLabel('platform:jobs:read').check();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: /create/i })
      .click();
    const secretField = page.getByRole('textbox', { name: 'API token' });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    assert.match(secret, /^plt_/);
    await browser.screenshot('portal-token-shown-once');
    await page.getByRole('button', { name: 'I have copied the token' }).click();
    await page.getByText('deploy-bot').first().waitFor();
    assert.ok(!(await page.content()).includes(secret), 'the token is not shown again');
    await browser.screenshot('portal-token-list');

    const viaApi = await fetch(`${base}/platform/api/jobs`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(viaApi.status, 200, 'the token shown works for its scope');

    await page.goto(`${base}/admin/audit`);
    await page.getByText('token.create').first().waitFor();
    await browser.screenshot('portal-audit-log');

    await page.getByRole('button', { name: /Ada/ }).first().click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await browser.screenshot('portal-signed-out');
    const me = await page.evaluate(async () => (await fetch('/auth/me')).status);
    assert.equal(me, 401, 'the session ended');
    assert.deepEqual(browser.pageErrors, [], 'no script errors');
  }
});
