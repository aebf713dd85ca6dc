import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertAnonymousRefused, buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';
import type { FindingView } from '../findings/finding.schema.ts';
import { captureBus, postLines, WITHOUT_LISTENERS, waitFor, wireLines } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';

// spec 02-opmas acceptance 9 (inventory line) and 25 (timezone edits, disabled devices, DHCPACK enrichment).
const API = '/opmas/api/v1';
const MAC = '00:90:4c:c5:12:38';

let platform: TestPlatform;
let admin: TestUser;
let viewer: TestUser;

before(async () => {
  platform = await buildTestApp({
    apps: [opmasApp],
    env: WITHOUT_LISTENERS,
    startBackground: true,
  });
  admin = await platform.createUser('opmas-inventory-admin', ['admin']);
  viewer = await platform.createUser('opmas-inventory-viewer', ['viewer']);
});
after(() => platform.close());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user = admin) =>
  platform.app.inject({ method, url: `${API}${url}`, payload: payload as never, headers: user.headers });
const ingest = (device: string, lines: string[]) => postLines(platform, admin, device, lines);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('DHCPACK fills the inventory; a finding carrying that MAC is enriched (acceptance 9, 25)', async (t) => {
  const lines = wireLines(t, 'OpenWrt');
  if (!lines) return;
  await ingest('ap-home', lines);
  let clients: { mac: string; ip: string; hostname: string; device_id: string }[] = [];
  for (const deadline = Date.now() + 5000; clients.length === 0 && Date.now() < deadline; ) {
    await sleep(50);
    clients = (await call('GET', `/clients?mac=${MAC}`, undefined, viewer)).json().items;
  }
  assert.deepEqual(
    clients.map((c) => [c.mac, c.ip, c.hostname]),
    [[MAC, '192.168.17.151', 'mY5t1c4-pH0n3']],
  );
  const perDevice = (await call('GET', `/devices/${clients[0].device_id}/clients`, undefined, viewer)).json().items;
  assert.equal(perDevice.length, 1);

  const psk = lines.find((line) => line.includes('PSK-MISMATCH')) ?? assert.fail('psk line');
  const storm = Array.from({ length: 10 }, (_, i) =>
    psk.replace('74:38:b7:xx:xx:xx', MAC).replace(/ \d\d:\d\d:\d\d /, ` 17:30:${String(10 + i)} `),
  );
  await ingest('ap-home', storm);
  let finding: FindingView | undefined;
  for (const deadline = Date.now() + 5000; !finding && Date.now() < deadline; ) {
    await sleep(50);
    finding = ((await call('GET', '/findings?rule=wifi.psk_mismatch')).json().items as FindingView[])[0];
  }
  assert.ok(finding, 'the PSK storm fired');
  assert.deepEqual(
    [finding.fields.mac, finding.fields.client_ip, finding.fields.client_hostname],
    [MAC, '192.168.17.151', 'mY5t1c4-pH0n3'],
  );
});

test('a timezone edit changes the times of later messages; invalid zones are refused (acceptance 25)', async () => {
  const bus = captureBus(platform.kernel.bus);
  try {
    const line = '<13>Mar 19 10:00:00 ap-tz app: hello';
    await ingest('ap-tz', [line]);
    await waitFor(() => bus.eventsOf('ap-tz').length === 1, 'first event');
    const device = ((await call('GET', '/devices?limit=200')).json().items as { id: string; slug: string }[]).find(
      (d) => d.slug === 'ap-tz',
    );
    assert.ok(device);
    const refused = await call('PUT', `/devices/${device.id}`, { timezone: 'Mars/Olympus_Mons' });
    assert.deepEqual([refused.statusCode, refused.json().error.code], [400, 'invalid_timezone']);
    assert.equal((await call('PUT', `/devices/${device.id}`, { timezone: 'Europe/Berlin' })).statusCode, 200);
    await ingest('ap-tz', [line]);
    await waitFor(() => bus.eventsOf('ap-tz').length === 2, 'second event');
    const [before, after] = bus.eventsOf('ap-tz');
    assert.equal(new Date(before.ts).toISOString(), '2025-03-19T10:00:00.000Z');
    assert.equal(new Date(after.ts).toISOString(), '2025-03-19T09:00:00.000Z', 'CET is UTC+1 in March');
  } finally {
    bus.stop();
  }
});

test('a disabled device’s messages are dropped and counted (acceptance 25)', async () => {
  await ingest('ap-off', ['<13>Mar 19 10:00:00 ap-off app: on']);
  const device = ((await call('GET', '/devices?limit=200')).json().items as { id: string; slug: string }[]).find(
    (d) => d.slug === 'ap-off',
  );
  assert.ok(device);
  assert.equal((await call('PUT', `/devices/${device.id}`, { enabled: false })).statusCode, 200);
  const before = (await call('GET', '/logs/status')).json().transports.http.dropped_by_reason.device_disabled ?? 0;
  const answer = await ingest('ap-off', ['<13>Mar 19 10:00:01 ap-off app: off', '<13>Mar 19 10:00:02 ap-off app: off']);
  assert.deepEqual([answer.accepted, answer.rejected, answer.errors[0].code], [0, 2, 'device_disabled']);
  const after = (await call('GET', '/logs/status')).json().transports.http.dropped_by_reason.device_disabled;
  assert.equal(after, before + 2);
});

test('inventory routes refuse anonymous callers', async () => {
  assert.deepEqual(await assertAnonymousRefused(platform, `${API}/clients`), []);
});
