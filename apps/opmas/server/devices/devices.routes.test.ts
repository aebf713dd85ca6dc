import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { opmasApp } from '../opmas.app.ts';

const DEVICES = '/opmas/api/v1/devices';

describeEachEngine('opmas devices API', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let operator: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl() });
    operator = await platform.createUser('opmas-operator', ['user']);
    viewer = await platform.createUser('opmas-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    platform.app.inject({ method, url, payload: payload as never, headers: user.headers });

  test('create, read, list, update, delete; audited', async () => {
    const created = await call(operator, 'POST', DEVICES, {
      hostname: 'Lab AP.1',
      ip_address: '192.0.2.10',
      timezone: 'Europe/Berlin',
      tags: ['lab'],
      ssh: { port: 2222 },
    });
    assert.equal(created.statusCode, 201, created.body);
    const device = created.json();
    assert.equal(device.slug, 'lab_ap_1');
    assert.equal(device.identity, 'host:lab ap.1');
    assert.equal(device.auto_registered, false);
    assert.equal(device.ssh.port, 2222);
    assert.equal(device.ssh.username, 'root');

    const read = await call(viewer, 'GET', `${DEVICES}/${device.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().timezone, 'Europe/Berlin');

    const put = await call(operator, 'PUT', `${DEVICES}/${device.id}`, { timezone: 'UTC', max_mode: 'dry_run' });
    assert.equal(put.statusCode, 200, put.body);
    assert.equal(put.json().timezone, 'UTC');
    assert.equal(put.json().max_mode, 'dry_run');
    assert.deepEqual(put.json().tags, ['lab'], 'fields not sent are kept');

    const deleted = await call(operator, 'DELETE', `${DEVICES}/${device.id}`);
    assert.equal(deleted.statusCode, 204);
    assert.equal((await call(viewer, 'GET', `${DEVICES}/${device.id}`)).statusCode, 404);
    const audit = await platform.kernel.audit.repository.list({ target: device.id, limit: 10 });
    assert.deepEqual(audit.map((entry) => entry.action).sort(), [
      'opmas.device.create',
      'opmas.device.delete',
      'opmas.device.update',
    ]);
  });

  test('slug clashes get a suffix; the same hostname twice is 409 device_exists', async () => {
    const first = await call(operator, 'POST', DEVICES, { hostname: 'ap_x' });
    const second = await call(operator, 'POST', DEVICES, { hostname: 'ap x' });
    assert.equal(first.json().slug, 'ap_x');
    assert.equal(second.json().slug, 'ap_x-2');
    const again = await call(operator, 'POST', DEVICES, { hostname: 'AP_X' });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'device_exists');
  });

  test('lists page by cursor with a total', async () => {
    for (const name of ['page-a', 'page-b', 'page-c']) await call(operator, 'POST', DEVICES, { hostname: name });
    const first = await call(viewer, 'GET', `${DEVICES}?limit=2`);
    assert.equal(first.json().items.length, 2);
    assert.ok(first.json().total >= 3);
    const seen = [...first.json().items];
    let cursor = first.json().next_cursor;
    while (cursor) {
      const page = await call(viewer, 'GET', `${DEVICES}?limit=2&cursor=${encodeURIComponent(cursor)}`);
      seen.push(...page.json().items);
      cursor = page.json().next_cursor;
    }
    assert.equal(seen.length, first.json().total);
    assert.equal(new Set(seen.map((item) => item.id)).size, seen.length);
  });

  test('bad input and missing permissions', async () => {
    const cases: [unknown, number, string][] = [
      [{ hostname: 'tz', timezone: 'Mars/Olympus' }, 400, 'invalid_timezone'],
      [{ hostname: 'ip', ip_address: 'not-an-ip' }, 400, 'invalid_source_ip'],
      [{ hostname: 'fmt', format: 'xml' }, 400, 'validation_failed'],
      [{ tags: ['no-name'] }, 400, 'validation_failed'],
    ];
    for (const [payload, status, code] of cases) {
      const response = await call(operator, 'POST', DEVICES, payload);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error.code, code);
    }
    const byViewer = await call(viewer, 'POST', DEVICES, { hostname: 'viewer-made' });
    assert.equal(byViewer.statusCode, 403);
    assert.equal(byViewer.json().error.code, 'forbidden');
    const missing = await call(operator, 'PATCH', `${DEVICES}/00000000-0000-4000-8000-000000000000`, {
      enabled: false,
    });
    assert.equal(missing.statusCode, 404);
    const badId = await call(viewer, 'GET', `${DEVICES}/not-a-uuid`);
    assert.equal(badId.statusCode, 400);
  });
});
