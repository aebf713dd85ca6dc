// ODH-TEC's pages in headless Chromium against the real kernel, the embedded S3 server and the fake Hub (spec 01-odh-tec
// "Web UI", end-to-end flows): sign in, accept the disclaimer, browse, upload 20 MiB with progress, cancel an upload,
// download, import a model from the Hub with progress, estimate VRAM. Screenshots land in test-results/screenshots/.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseUrl, buildTestApp } from '@platform/testing';
import { browserTierSkipReason, launchBrowser } from '@platform/testing/browser.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import { odhTecApp } from '../../server/odh-tec.app.ts';
import { startFakeHub } from '../../testing/fake-hf-server.ts';

const skip = browserTierSkipReason();
const MIB = 2 ** 20;
const TINY = 'odh-tec-fixtures/tiny-llama-like';

test('browse, upload with progress, cancel, download, import from the Hub, estimate VRAM', {
  skip,
  timeout: 240_000,
}, async (t) => {
  const hfFixtures = sharedData(t, 'odh-tec', 'hf');
  if (!hfFixtures) return;
  const hub = await startFakeHub({ repos: JSON.parse(readFileSync(join(hfFixtures, 'fake-repos.json'), 'utf8')) });
  t.after(() => hub.close());
  // No databaseUrl: on the in-memory database the app starts its embedded S3 server (bucket `models`) under the test's
  // temporary DATA_DIR; the switch is set anyway so the test does not lean on that default.
  const platform = await buildTestApp({
    apps: [odhTecApp],
    portal: true,
    listen: true,
    startBackground: true,
    env: { HF_ENDPOINT: hub.endpoint, ODH_TEC_EMBEDDED_S3: 'true' },
  });
  t.after(() => platform.close());
  await platform.kernel.identity.createUser({
    username: 'grace',
    password: 'grace-hopper-1906',
    roles: ['admin'],
    displayName: 'Grace',
  });
  const browser = (await launchBrowser(t))!;
  const { page } = browser;
  const base = baseUrl(platform);
  try {
    await flows();
  } catch (error) {
    await browser.screenshot('odh-tec-failure');
    throw error;
  }

  async function flows() {
    await page.goto(`${base}/odh-tec/`);
    await page.waitForURL(/\/login/);
    await page.getByRole('textbox', { name: /username/i }).fill('grace');
    await page.locator('input[type="password"]').fill('grace-hopper-1906');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // The index redirects to the browser, which opens the default location's default bucket.
    await page.waitForURL(/\/odh-tec\/browse\/embedded\/models/);
    const disclaimer = page.getByRole('dialog', { name: 'Before you start' });
    await disclaimer.waitFor();
    await browser.screenshot('odh-tec-disclaimer');
    await disclaimer.getByRole('button', { name: 'Accept' }).click();
    await disclaimer.waitFor({ state: 'hidden' });
    await page.getByText('This folder is empty').waitFor();
    await browser.screenshot('odh-tec-browse-empty');

    // Upload 20 MiB through the modal; the bar is fed by XMLHttpRequest upload progress and ends at "Done".
    const weights = Buffer.alloc(20 * MIB, 7);
    await page.getByRole('button', { name: 'Upload', exact: true }).click();
    const uploadDialog = page.getByRole('dialog', { name: 'Upload files' });
    await uploadDialog.locator('input[type="file"]').setInputFiles({
      name: 'weights.bin',
      mimeType: 'application/octet-stream',
      buffer: weights,
    });
    await uploadDialog.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
    await browser.screenshot('odh-tec-upload-done');

    // A second upload is held back by the test so Cancel catches it in flight.
    let releaseHeld: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      releaseHeld = resolve;
    });
    await page.route('**/odh-tec/api/objects/upload/**', async (route) => {
      await held;
      await route.continue().catch(() => undefined);
    });
    await uploadDialog.locator('input[type="file"]').setInputFiles({
      name: 'cancelled.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(8 * MIB, 1),
    });
    await uploadDialog.getByRole('button', { name: 'Cancel upload of cancelled.bin' }).click();
    await uploadDialog.getByText('Cancelled', { exact: true }).waitFor();
    await browser.screenshot('odh-tec-upload-cancelled');
    releaseHeld();
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await uploadDialog.getByRole('contentinfo').getByRole('button', { name: 'Close' }).click();

    const uploadedRow = page.getByRole('row', { name: /weights\.bin/ });
    await uploadedRow.waitFor();
    await uploadedRow.getByText('20.0 MiB').waitFor();
    assert.equal(await page.getByRole('row', { name: /cancelled\.bin/ }).count(), 0, 'the cancelled file is absent');
    await browser.screenshot('odh-tec-browse-uploaded');

    // Download through the row's link: the browser receives the whole object.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      uploadedRow.getByRole('link', { name: 'Download weights.bin' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'weights.bin');
    assert.equal(statSync(await download.path()).size, weights.length, 'the download has every byte');

    // Import two file kinds of the fixture repository from the fake Hub, following the transfer's SSE progress.
    await page.getByRole('button', { name: 'Import from Hugging Face' }).click();
    const importDialog = page.getByRole('dialog', { name: 'Import from Hugging Face' });
    await importDialog.getByLabel('Model id').fill(TINY);
    await importDialog.getByLabel('Include').fill('*.safetensors,config.json');
    await importDialog.getByLabel('Exclude').fill('');
    await browser.screenshot('odh-tec-hf-import-form');
    await importDialog.getByRole('button', { name: 'Import', exact: true }).click();
    await importDialog.getByText('Done', { exact: true }).waitFor({ timeout: 60_000 });
    await browser.screenshot('odh-tec-hf-import-done');
    await importDialog.getByRole('contentinfo').getByRole('button', { name: 'Close' }).click();

    await page.getByRole('link', { name: 'odh-tec-fixtures' }).click();
    await page.getByRole('link', { name: 'tiny-llama-like' }).click();
    await page.getByRole('row', { name: /config\.json/ }).waitFor();
    const imported = await page.getByRole('row').allInnerTexts();
    assert.ok(
      imported.some((row) => row.includes('.safetensors')),
      'the safetensors file arrived',
    );
    assert.ok(!imported.some((row) => row.includes('tokenizer.json')), 'the include list left other files out');
    await page
      .getByRole('row', { name: /config\.json/ })
      .getByRole('button', { name: /kebab toggle/i })
      .click();
    await page.getByRole('menuitem', { name: 'View' }).click();
    await page.locator('.odh-tec-preview').getByText('model_type').waitFor();
    await browser.screenshot('odh-tec-browse-imported-preview');

    await page.getByRole('link', { name: 'Transfers' }).click();
    await page
      .getByRole('grid', { name: 'Transfers' })
      .or(page.getByRole('table', { name: 'Transfers' }))
      .waitFor();
    await page.getByText('completed').first().waitFor();
    await browser.screenshot('odh-tec-transfers');

    // VRAM classic: the default preset and run figures give a total.
    await page.getByRole('link', { name: 'VRAM Estimator' }).click();
    await page.getByLabel('Model preset').waitFor();
    await page.getByRole('button', { name: 'Estimate' }).click();
    const total = page.getByRole('heading', { name: 'Estimated total' });
    await total.waitFor();
    assert.match(await total.innerText(), /Total on the first GPU: \d+\.\d{3} GiB/);
    await browser.screenshot('odh-tec-vram-classic');

    // VRAM detailed: the server reads config.json of the fixture model from the fake Hub.
    await page.getByRole('button', { name: 'Detailed' }).click();
    await page.getByLabel('Hugging Face model id').fill(TINY);
    await page.getByRole('button', { name: 'Load config.json from the Hub' }).click();
    await page.getByText(/^llama: /).waitFor();
    await page.getByRole('button', { name: 'Estimate' }).click();
    await total.waitFor();
    assert.match(await total.innerText(), /Total on the first GPU: \d+\.\d{3} GiB/);
    await browser.screenshot('odh-tec-vram-detailed');

    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('tab', { name: 'S3 connections' }).waitFor();
    await browser.screenshot('odh-tec-settings');
    assert.deepEqual(browser.pageErrors, [], 'no script errors');
  }
});
