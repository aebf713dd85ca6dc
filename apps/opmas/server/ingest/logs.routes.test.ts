import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { opmasApp } from '../opmas.app.ts';
import { captureBus, waitFor, wireLines } from './ingest-test-kit.ts';

const LOGS = '/opmas/api/v1/logs';

describeEachEngine('opmas HTTP ingest and logs status', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;

  before(async () => {
    // No listeners here: HTTP ingest works in every role, and ports are the listener test's business.
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      env: { OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: 'off', OPMAS_HTTP_BATCH_MAX_LINES: '100' },
    });
    admin = await platform.createUser('opmas-http-admin', ['admin']);
    viewer = await platform.createUser('opmas-http-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const post = (payload: unknown, user: TestUser = admin, headers: Record<string, string> = {}, url = LOGS) =>
    platform.app.inject({ method: 'POST', url, payload: payload as never, headers: { ...user.headers, ...headers } });

  test('upstream JSON body: 202 with counts, events published for the named device', async (t) => {
    const lines = wireLines(t, 'OpenWrt');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    const response = await post({
      logs: lines.slice(0, 10),
      source_identifier: 'ap-http',
      explicit_source_ip: '2001:db8::7',
    });
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(response.json().accepted, 10);
    assert.equal(response.json().rejected, 0);
    assert.deepEqual(response.json().errors, []);
    await waitFor(() => bus.eventsOf('ap-http').length === 10, 'ten HTTP events');
    bus.stop();
    const events = bus.eventsOf('ap-http');
    assert.deepEqual(events.map((event) => event.raw).sort(), lines.slice(0, 10).sort());
    assert.ok(events.every((event) => event.transport === 'http' && event.source_ip === '2001:db8::7'));
  });

  test('string array, entry objects and text/plain bodies', async (t) => {
    const lines = wireLines(t, 'ap-shapes');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    assert.equal((await post(lines.slice(0, 2))).json().accepted, 2);
    const entries = lines.slice(2, 4).map((message) => ({ message, source_ip: '192.0.2.9' }));
    assert.equal((await post(entries)).json().accepted, 2);
    const text = await post(`${lines[4]}\r\n${lines[5]}\0${lines[6]}\n`, admin, { 'content-type': 'text/plain' });
    assert.equal(text.statusCode, 202, text.body);
    assert.equal(text.json().accepted, 3);
    await waitFor(() => bus.eventsOf('ap-shapes').length === 7, 'seven events');
    bus.stop();
    assert.deepEqual(
      bus
        .eventsOf('ap-shapes')
        .map((event) => event.raw)
        .sort(),
      lines.slice(0, 7).sort(),
    );
  });

  test('malformed lines are accepted as degraded events; empty lines are rejected per index', async () => {
    const response = await post({ logs: ['<999>bad pri', '', 'no header at all'], source_identifier: 'ap-bad' });
    assert.equal(response.statusCode, 202);
    assert.equal(response.json().accepted, 2);
    assert.deepEqual(response.json().errors, [{ index: 1, code: 'empty' }]);
    const status = await platform.app.inject({ method: 'GET', url: `${LOGS}/status`, headers: viewer.headers });
    assert.equal(status.statusCode, 200);
    assert.ok(status.json().transports.http.parse_degraded >= 1);
    assert.deepEqual(status.json().listeners, []);
  });

  test('a disabled device drops its lines as device_disabled', async () => {
    await post({ logs: ['<13>Mar 19 20:14:18 ap-off netifd: up'] });
    const list = await platform.app.inject({
      method: 'GET',
      url: '/opmas/api/v1/devices?limit=500',
      headers: admin.headers,
    });
    const device = list.json().items.find((item: { slug: string }) => item.slug === 'ap-off');
    const patched = await platform.app.inject({
      method: 'PATCH',
      url: `/opmas/api/v1/devices/${device.id}`,
      payload: { enabled: false },
      headers: admin.headers,
    });
    assert.equal(patched.statusCode, 200, patched.body);
    const response = await post({ logs: ['<13>Mar 19 20:14:19 ap-off netifd: down'] });
    assert.deepEqual(response.json().errors, [{ index: 0, code: 'device_disabled' }]);
  });

  test('bad input answers 4xx with the error shape', async () => {
    const cases: [unknown, Record<string, string>, number, string][] = [
      [{ logs: [] }, {}, 400, 'validation_failed'],
      [{ logs: [{}] }, {}, 400, 'validation_failed'],
      [{ logs: Array.from({ length: 101 }, () => '<13>x') }, {}, 400, 'too_many_logs'],
      [{ logs: ['x'], explicit_source_ip: '999.1.1.1' }, {}, 400, 'invalid_source_ip'],
      ['<13>x', { 'content-type': 'application/xml' }, 415, 'unsupported_media_type'],
    ];
    for (const [payload, headers, status, code] of cases) {
      const response = await post(payload, admin, headers);
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error.code, code);
      assert.equal(typeof response.json().error.message, 'string');
    }
    const badTime = await post('<13>x', admin, { 'content-type': 'text/plain' }, `${LOGS}?reference_time=yesterday`);
    assert.equal(badTime.json().error.code, 'validation_failed');
  });

  test('viewers read the status but cannot ingest; nothing under /opmas is public but the token login', async () => {
    const refused = await post({ logs: ['<13>x'] }, viewer);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().error.code, 'forbidden');
    const publicRoutes = await assertAnonymousRefused(platform, '/opmas/');
    assert.deepEqual(
      publicRoutes.map((route) => `${route.method} ${route.url}`),
      ['POST /opmas/api/v1/auth/login', 'POST /opmas/api/v1/auth/token'],
    );
  });
});
