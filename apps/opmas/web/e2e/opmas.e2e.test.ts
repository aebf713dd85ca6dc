// OPMAS's pages in headless Chromium against the real kernel and the app's UDP syslog listener (spec 02-opmas acceptance
// 29): sign in, replay the real corpus → the findings appear live; open one (evidence visible, status change); the rules
// test bench shows a match; a device's time zone is refused when unknown and kept when valid; the intended actions list the
// dry-run command. Screenshots land in test-results/screenshots/.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { baseUrl, buildTestApp } from '@platform/testing';
import { browserTierSkipReason, launchBrowser } from '@platform/testing/browser.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import { opmasApp } from '../../server/opmas.app.ts';
import { replay } from '../../server/tools/replay-sender.ts';
import { readCorpus, replayLines } from '../../server/tools/replay-source.ts';

const skip = browserTierSkipReason();
const FLAP_LINE = "<29>Mar 19 10:00:00 OpenWrt netifd: Interface 'wan' is now down";
/** The corpus fires these rules once per group key (acceptance 19); wifi.radio_down twice (two interfaces). */
const CORPUS_RULES = ['health.clock_jump', 'health.oom', 'wifi.radio_down', 'wifi.radio_down'];

test('findings live from a UDP replay, finding drawer, rules test bench, device time zone, intended actions', {
  skip,
  timeout: 180_000,
}, async (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const platform = await buildTestApp({
    apps: [opmasApp],
    portal: true,
    listen: true,
    startBackground: true,
    env: { OPMAS_SYSLOG_HOST: '127.0.0.1', OPMAS_SYSLOG_UDP_PORT: '0', OPMAS_SYSLOG_TCP_PORT: 'off' },
  });
  t.after(() => platform.close());
  await platform.kernel.identity.createUser({
    username: 'radia',
    password: 'radia-perlman-1951',
    roles: ['admin'],
    displayName: 'Radia',
  });
  // A tall viewport: the shell scrolls inside the page, so a full-page screenshot shows one viewport.
  const browser = (await launchBrowser(t, { viewport: { width: 1366, height: 1100 } }))!;
  const { page } = browser;
  const base = baseUrl(platform);
  const api = `${base}/opmas/api/v1`;
  const corpus = readCorpus(join(dir, 'openwrt-logread.txt'));
  try {
    await flows();
  } catch (error) {
    await browser.screenshot('opmas-failure');
    throw error;
  }

  /** GET or POST on the API with the browser's session (the admin who signed in). */
  async function call<T>(path: string, data?: unknown): Promise<{ status: number; body: T }> {
    const response =
      data === undefined ? await page.request.get(`${api}${path}`) : await page.request.post(`${api}${path}`, { data });
    return { status: response.status(), body: (await response.json()) as T };
  }

  async function flows() {
    await page.goto(`${base}/opmas/`);
    await page.waitForURL(/\/login/);
    await page.getByRole('textbox', { name: /username/i }).fill('radia');
    await page.locator('input[type="password"]').fill('radia-perlman-1951');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    // The index redirects to the findings, which follow the stream before anything arrives.
    await page.waitForURL(/\/opmas\/findings/);
    await page.getByText('No findings', { exact: true }).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();

    // A marker on the window survives only while the page is not reloaded.
    await page.evaluate(() => Object.assign(window, { opmasNotReloaded: true }));
    const status = await call<{ listeners: { transport: string; port: number }[] }>('/logs/status');
    const udp = status.body.listeners.find((listener) => listener.transport === 'udp') ?? assert.fail('udp listener');
    const summary = await replay({
      target: `udp://127.0.0.1:${udp.port}`,
      rate: 1000,
      lines: replayLines(corpus, { loops: 1, devices: 1, format: 'openwrt', rotateIps: false, retime: false }),
    });
    assert.deepEqual([summary.sent, summary.errors], [corpus.length, 0]);

    const rows = page.getByRole('grid', { name: 'Findings' }).or(page.getByRole('table', { name: 'Findings' }));
    const findingRows = rows.locator('tbody tr');
    await page.waitForFunction(
      () => document.querySelectorAll('table[aria-label="Findings"] tbody tr').length === 4,
      undefined,
      { timeout: 30_000 },
    );
    // The Finding cell shows the title, and the rule id under it when the two differ.
    const findingCells = await findingRows.locator('td[data-label="Finding"]').allInnerTexts();
    const ruleIds = findingCells.map((cell) => cell.trim().split('\n').at(-1));
    assert.deepEqual(ruleIds.sort(), CORPUS_RULES);
    assert.equal(await page.evaluate(() => 'opmasNotReloaded' in window), true, 'the rows arrived without a reload');
    await browser.screenshot('opmas-findings');

    // The drawer: the raw evidence line, then a status change that the row follows.
    await page.getByRole('row', { name: /health\.oom/ }).click();
    const evidence = page.getByRole('list', { name: 'Evidence lines' });
    await evidence.getByText('invoked oom-killer').first().waitFor();
    await page.getByRole('button', { name: 'Mark investigating' }).click();
    await page
      .getByRole('row', { name: /health\.oom/ })
      .getByText('investigating')
      .waitFor();
    await page.getByRole('button', { name: 'Mark resolved' }).and(page.locator(':enabled')).waitFor();
    await browser.screenshot('opmas-finding-drawer');

    await page.getByRole('link', { name: 'Rules' }).click();
    await page.getByLabel(/Syslog lines/).fill(FLAP_LINE);
    await page.getByRole('button', { name: 'Test lines' }).click();
    const parsed = page
      .getByRole('grid', { name: 'Parsed lines' })
      .or(page.getByRole('table', { name: 'Parsed lines' }));
    await parsed.getByText('conn.iface_flap').waitFor();
    assert.match(await parsed.locator('tbody tr').first().innerText(), /iface=wan/);
    await browser.screenshot('opmas-rules-testbench');

    // Devices: an unknown zone is refused with the server's code; a valid one is kept across a reload.
    await page.getByRole('link', { name: 'Devices' }).click();
    await page.getByRole('link', { name: '127_0_0_1' }).click();
    await page.waitForURL(/\/opmas\/devices\/[0-9a-f-]{36}$/);
    const timezone = page.getByLabel('Time zone');
    await timezone.fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('invalid_timezone').waitFor();
    await timezone.fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved$/).waitFor();
    await page.reload();
    await page.getByLabel('Time zone').waitFor();
    assert.equal(await page.getByLabel('Time zone').inputValue(), 'Europe/Berlin');
    await browser.screenshot('opmas-device');

    // Actions: one manual request in the default dry_run mode is an intended action with its rendered command.
    const devices = await call<{ items: { id: string; slug: string }[] }>('/devices');
    const device = devices.body.items.find((item) => item.slug === '127_0_0_1') ?? assert.fail('the replayed device');
    const requested = await call<{ status: string }>('/actions', {
      device_id: device.id,
      template_id: 'uptime',
      reason: 'e2e',
    });
    assert.deepEqual([requested.status, requested.body.status], [202, 'dry_run']);
    await page.getByRole('link', { name: 'Actions' }).click();
    await page.getByRole('tab', { name: 'Intended' }).waitFor();
    const intended = page
      .getByRole('grid', { name: 'Intended actions' })
      .or(page.getByRole('table', { name: 'Intended actions' }));
    await intended.locator('code', { hasText: /^uptime$/ }).waitFor();
    await browser.screenshot('opmas-actions');
    assert.deepEqual(browser.pageErrors, [], 'no script errors');
  }
});
