import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  routesUnder,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { findings } from '../findings/finding.tables.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { postLines, WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import type { ListenerStatus } from '../ingest/listener.ts';
import { opmasApp } from '../opmas.app.ts';
import type { DeviceRow } from '../opmas.schema.ts';
import { effectiveMode } from '../orchestrator/orchestrator.ts';
import { nextStatus, syslogTarget } from './device-operations.service.ts';

const DEVICES = '/opmas/api/v1/devices';
const MISSING = '00000000-0000-4000-8000-000000000000';
const NETIFD = "<30>Jun  1 00:00:00 OpenWrt netifd: Interface 'wan' is now up";
const DROPBEAR = "<11>Jun  1 00:00:01 OpenWrt dropbear[12]: Bad password attempt for 'root' from 192.0.2.1:5555";

describe('device operations decisions', () => {
  const device = { logPrefix: null } as DeviceRow;
  const listener = (transport: ListenerStatus['transport'], address: string, port: number): ListenerStatus => ({
    transport,
    address,
    port,
    bound: true,
  });

  test('syslog target: query first, then the bound listener (UDP preferred), then the request host', () => {
    const listeners = [listener('tcp', '198.51.100.7', 5514), listener('udp', '0.0.0.0', 514)];
    assert.deepEqual(syslogTarget({}, listeners, 'opmas.example', device), {
      host: 'opmas.example',
      port: 514,
      transport: 'udp',
      logPrefix: null,
    });
    assert.deepEqual(syslogTarget({ transport: 'tcp' }, listeners, 'opmas.example', device), {
      host: '198.51.100.7',
      port: 5514,
      transport: 'tcp',
      logPrefix: null,
    });
    const onlyTcp = [listener('tcp', '::', 6000), { ...listener('udp', '0.0.0.0', 514), bound: false }];
    assert.equal(syslogTarget({}, onlyTcp, 'h', device).transport, 'tcp');
    assert.equal(syslogTarget({ host: '192.0.2.9', port: 1514 }, [], 'h', device).port, 1514);
    assert.throws(() => syslogTarget({}, [], 'h', device), { code: 'no_listener' });
    assert.throws(() => syslogTarget({}, listeners, '[::1]', device), { statusCode: 400 });
  });

  test('active leaves maintenance only; other states are the status job’s', () => {
    assert.equal(nextStatus('online', 'maintenance'), 'maintenance');
    assert.equal(nextStatus('maintenance', 'active'), 'online');
    assert.equal(nextStatus('stale', 'active'), 'stale');
  });
});

describeEachEngine('opmas device operations API', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let operator: TestUser;
  let viewer: TestUser;
  let auto: { id: string };
  let manual: { id: string };

  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl(), env: WITHOUT_LISTENERS });
    admin = await platform.createUser('opmas-ops-admin', ['admin']);
    operator = await platform.createUser('opmas-ops-operator', ['user']);
    viewer = await platform.createUser('opmas-ops-viewer', ['viewer']);
    await postLines(platform, admin, 'ops-auto', [NETIFD, DROPBEAR, DROPBEAR]);
    const runtime = ingestRuntimeFor(platform.kernel);
    await runtime.logStats.flush();
    await runtime.devices.flushTraffic();
    const list = await call(viewer, 'GET', `${DEVICES}?limit=500`);
    auto = list.json().items.find((item: { hostname: string }) => item.hostname === 'ops-auto');
    const created = await call(operator, 'POST', DEVICES, { hostname: 'ops-manual', ip_address: '192.0.2.20' });
    manual = created.json();
  });
  after(async () => {
    await platform.close();
  });

  const call = (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    platform.app.inject({ method, url, payload: payload as never, headers: user.headers });
  const rowOf = (id: string) => ingestRuntimeFor(platform.kernel).devices.repository.findById(id);
  const auditActions = async (id: string) =>
    (await platform.kernel.audit.repository.list({ target: id, limit: 20 })).map((entry) => entry.action);

  /** Every route here answers 404 `not_found` for an unknown id and 400 for a malformed one. */
  const assertUnknownAndMalformedIds = async (
    user: TestUser,
    method: 'GET' | 'POST' | 'PUT',
    suffix: string,
    body?: unknown,
  ) => {
    const missing = await call(user, method, `${DEVICES}/${MISSING}/${suffix}`, body);
    assert.equal(missing.statusCode, 404, `${suffix}: ${missing.body}`);
    assert.equal(missing.json().error.code, 'not_found');
    const malformed = await call(user, method, `${DEVICES}/not-a-uuid/${suffix}`, body);
    assert.equal(malformed.statusCode, 400, suffix);
    assert.equal(malformed.json().error.code, 'validation_failed');
  };

  test('status: last message, messages in 5 min, open findings', async () => {
    const now = new Date();
    const finding = { ruleId: 'security.ssh_bruteforce', domain: 'security', severity: 'high' as const, title: 't' };
    await platform.kernel.db.orm.insert(findings).values([
      { ...finding, device: 'ops-auto', deviceId: auto.id, groupKey: 'a', firstSeen: now, lastSeen: now },
      {
        ...finding,
        device: 'ops-auto',
        deviceId: auto.id,
        groupKey: 'b',
        status: 'resolved',
        firstSeen: now,
        lastSeen: now,
      },
    ]);
    const response = await call(viewer, 'GET', `${DEVICES}/${auto.id}/status`);
    assert.equal(response.statusCode, 200, response.body);
    const status = response.json();
    assert.equal(status.status, 'online');
    assert.equal(status.msgs_5m, 3);
    assert.equal(status.open_findings, 1);
    assert.ok(Date.now() - Date.parse(status.last_seen) < 60_000);
    const quiet = (await call(viewer, 'GET', `${DEVICES}/${manual.id}/status`)).json();
    assert.deepEqual(quiet, { device_id: manual.id, status: 'online', last_seen: null, msgs_5m: 0, open_findings: 0 });
    await assertUnknownAndMalformedIds(viewer, 'GET', 'status');
  });

  test('maintenance makes the effective mode observe; active restores it; audited; viewers refused', async () => {
    const url = `${DEVICES}/${manual.id}/status`;
    const entered = await call(operator, 'POST', url, { status: 'maintenance' });
    assert.equal(entered.statusCode, 200, entered.body);
    assert.equal(entered.json().status, 'maintenance');
    assert.equal(effectiveMode('execute', null, 'execute', await rowOf(manual.id)), 'observe');
    const left = await call(operator, 'POST', url, { status: 'active' });
    assert.equal(left.json().status, 'online');
    assert.equal(effectiveMode('execute', null, 'execute', await rowOf(manual.id)), 'execute');
    const actions = (await auditActions(manual.id)).filter((action) => action === 'opmas.device.status');
    assert.equal(actions.length, 2);

    const byViewer = await call(viewer, 'POST', url, { status: 'maintenance' });
    assert.equal(byViewer.statusCode, 403);
    assert.equal(byViewer.json().error.code, 'forbidden');
    const bad = await call(operator, 'POST', url, { status: 'offline' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().error.code, 'validation_failed');
    await assertUnknownAndMalformedIds(operator, 'POST', 'status', { status: 'maintenance' });
  });

  test('metrics: per-minute counts of the last 24 h by severity', async () => {
    const response = await call(viewer, 'GET', `${DEVICES}/${auto.id}/metrics`);
    assert.equal(response.statusCode, 200, response.body);
    const metrics = response.json();
    assert.equal(Date.parse(metrics.end_time) - Date.parse(metrics.start_time) >= 24 * 3_600_000, true);
    const totals = { count: 0, err: 0, info: 0, notice: 0 };
    for (const minute of metrics.minutes) {
      totals.count += minute.count;
      totals.err += minute.by_severity.err;
      totals.info += minute.by_severity.info;
      totals.notice += minute.by_severity.notice;
    }
    assert.deepEqual(totals, { count: 3, err: 2, info: 1, notice: 0 });
    assert.deepEqual((await call(viewer, 'GET', `${DEVICES}/${manual.id}/metrics`)).json().minutes, []);
    await assertUnknownAndMalformedIds(viewer, 'GET', 'metrics');
  });

  test('configuration: read, change the fields sent, clear with null, validated and audited', async () => {
    const url = `${DEVICES}/${manual.id}/configuration`;
    const initial = (await call(viewer, 'GET', url)).json();
    assert.deepEqual(initial, {
      timezone: null,
      log_prefix: null,
      format: 'auto',
      max_mode: 'execute',
      tags: [],
      bind_source_ip: false,
      enabled: true,
    });
    const changed = await call(operator, 'PUT', url, {
      timezone: 'Europe/Berlin',
      log_prefix: 'ap1',
      max_mode: 'dry_run',
      tags: ['lab'],
    });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(changed.json().timezone, 'Europe/Berlin');
    assert.equal(changed.json().format, 'auto', 'fields not sent are kept');
    assert.equal((await rowOf(manual.id))?.maxMode, 'dry_run');
    const cleared = await call(operator, 'PUT', url, { timezone: null });
    assert.equal(cleared.json().timezone, null);
    assert.equal(cleared.json().log_prefix, 'ap1');
    assert.ok((await auditActions(manual.id)).includes('opmas.device.configure'));

    const cases: [unknown, string][] = [
      [{ timezone: 'Mars/Olympus' }, 'invalid_timezone'],
      [{ format: 'xml' }, 'validation_failed'],
      [{ tags: ['x'.repeat(65)] }, 'validation_failed'],
    ];
    for (const [payload, code] of cases) {
      const response = await call(operator, 'PUT', url, payload);
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.equal(response.json().error.code, code);
    }
    assert.equal((await call(viewer, 'PUT', url, { tags: [] })).statusCode, 403);
    await assertUnknownAndMalformedIds(viewer, 'GET', 'configuration');
    await assertUnknownAndMalformedIds(operator, 'PUT', 'configuration', { tags: [] });
  });

  test('syslog setup: UCI commands for the given or listening address', async () => {
    const url = `${DEVICES}/${manual.id}/syslog-setup`;
    const noListener = await call(viewer, 'GET', url);
    assert.equal(noListener.statusCode, 409, 'no listener runs in this test process');
    assert.equal(noListener.json().error.code, 'no_listener');
    const tcp = await call(viewer, 'GET', `${url}?host=192.0.2.5&port=5514&transport=tcp`);
    assert.equal(tcp.statusCode, 200, tcp.body);
    assert.deepEqual(tcp.json().commands, [
      "uci set system.@system[0].log_ip='192.0.2.5'",
      "uci set system.@system[0].log_port='5514'",
      "uci set system.@system[0].log_proto='tcp'",
      "uci set system.@system[0].log_trailer_null='1'",
      "uci set system.@system[0].log_prefix='ap1'",
      'uci commit system',
      '/etc/init.d/log restart',
    ]);
    assert.equal(tcp.json().script, `${tcp.json().commands.join('\n')}\n`);
    const udp = await call(viewer, 'GET', `${DEVICES}/${auto.id}/syslog-setup?host=opmas.example&port=514`);
    assert.ok(udp.json().commands.includes("uci set system.@system[0].log_proto='udp'"));
    assert.ok(!udp.json().commands.some((command: string) => command.includes('log_prefix')));
    const injected = await call(viewer, 'GET', `${url}?host=${encodeURIComponent("x';reboot;'")}&port=514`);
    assert.equal(injected.statusCode, 400);
    await assertUnknownAndMalformedIds(viewer, 'GET', 'syslog-setup?host=h&port=514');
  });

  test('discover: unacknowledged auto-registered devices; acknowledging removes them; audited', async () => {
    const listed = await call(operator, 'POST', `${DEVICES}/discover`, {});
    assert.equal(listed.statusCode, 200, listed.body);
    const ids = listed.json().discovered.map((device: { id: string }) => device.id);
    assert.ok(ids.includes(auto.id));
    assert.ok(!ids.includes(manual.id), 'manual registrations are acknowledged');
    const acknowledged = await call(operator, 'POST', `${DEVICES}/discover`, { acknowledge: [auto.id, MISSING] });
    assert.deepEqual(acknowledged.json().acknowledged, [auto.id]);
    assert.ok(!acknowledged.json().discovered.some((device: { id: string }) => device.id === auto.id));
    assert.equal((await rowOf(auto.id))?.acknowledged, true);
    assert.ok((await auditActions(auto.id)).includes('opmas.device.acknowledge'));

    assert.equal((await call(viewer, 'POST', `${DEVICES}/discover`, {})).statusCode, 403);
    const malformed = await call(operator, 'POST', `${DEVICES}/discover`, { acknowledge: ['nope'] });
    assert.equal(malformed.statusCode, 400);
  });

  test('anonymous requests are refused on every device route', async () => {
    const routes = routesUnder(platform, DEVICES).map((route) => `${route.method} ${route.url}`);
    for (const suffix of ['status', 'metrics', 'configuration', 'syslog-setup']) {
      assert.ok(routes.includes(`GET ${DEVICES}/:id/${suffix}`), suffix);
    }
    assert.ok(routes.includes(`POST ${DEVICES}/discover`));
    assert.deepEqual(await assertAnonymousRefused(platform, DEVICES), []);
  });
});
