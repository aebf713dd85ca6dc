import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  routesUnder,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { eq } from 'drizzle-orm';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { postLines, REFERENCE_TIME, WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import { playbookExecutions } from '../orchestrator/orchestrator.tables.ts';
import { RULES_CHANGED_SUBJECT } from '../rules/rule.service.ts';

// spec 02-opmas "API" system rows, "Observability" (ui metrics), "Bad input and security" (ingest_paused, ui-metrics).
const API = '/opmas/api/v1';

/** The real dropbear line five times from one address (the shipped SSH rule fires; its profile runs a playbook). */
const badPasswords = (ip: string, minute: number) =>
  Array.from(
    { length: 5 },
    (_, i) =>
      `<36>Mar 24 09:${String(minute).padStart(2, '0')}:${String(10 * i).padStart(2, '0')} OpenWrt dropbear[${7000 + i}]: Bad password attempt for 'root' from ${ip}:38224`,
  );

describeEachEngine('opmas system routes', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let operator: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      env: { ...WITHOUT_LISTENERS },
      startBackground: true,
    });
    admin = await platform.createUser('opmas-sys-admin', ['admin']);
    operator = await platform.createUser('opmas-sys-operator', ['user']);
    viewer = await platform.createUser('opmas-sys-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user = admin) =>
    platform.app.inject({ method, url: `${API}${url}`, payload: payload as never, headers: user.headers });
  const control = (action: string, user = admin) => call('POST', '/system/control', { action }, user);
  const errorCode = (response: { statusCode: number; json(): { error?: { code: string; message: string } } }) => [
    response.statusCode,
    response.json().error?.code,
    typeof response.json().error?.message,
  ];
  const executionsOf = (device: string) =>
    platform.database.orm.select().from(playbookExecutions).where(eq(playbookExecutions.device, device));
  const findingsOf = async (device: string) => (await call('GET', `/findings?device=${device}`)).json().items;
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  test('health names every component; no listeners here, so ingest is off and the rest is ok', async () => {
    const response = await call('GET', '/system/health', undefined, viewer);
    assert.equal(response.statusCode, 200);
    const { status, components } = response.json();
    assert.equal(status, 'ok');
    assert.equal(components.db.state, 'ok');
    assert.match(components.db.detail, /select 1/);
    assert.deepEqual([components.bus.state, components.bus.detail], ['ok', 'in-process']);
    assert.deepEqual(
      [components.ingest.udp.state, components.ingest.tcp.state, components.ingest.tls.state],
      ['off', 'off', 'off'],
    );
    assert.equal(components.agents.state, 'ok');
    assert.equal(components.orchestrator.state, 'ok');
    assert.equal(components.executor.state, 'ok');
  });

  test('status reports version, role, mode, ingest counters and the agents; metrics summarise the registry', async () => {
    await postLines(platform, admin, 'ap-status', ['<30>Mar 24 09:00:00 OpenWrt netifd: hello']);
    const status = (await call('GET', '/system/status', undefined, viewer)).json();
    assert.equal(status.version, '0.1.0');
    assert.deepEqual([status.role, status.bus, status.mode], ['all', 'in-process', 'dry_run']);
    assert.ok(status.ingest.accepted >= 1);
    assert.deepEqual([status.ingest.paused, status.ingest.queue_max], [false, 100_000]);
    assert.equal(status.agents.running, true);
    assert.ok(status.agents.rules > 0, 'the default pack is loaded');
    assert.equal(status.leases, null, 'no partition leases without NATS');

    const metrics = (await call('GET', '/system/metrics', undefined, viewer)).json();
    assert.ok(metrics.ingest.messages.by.accepted >= 1);
    assert.equal(metrics.ingest.messages.total >= metrics.ingest.messages.by.accepted, true);
    assert.ok(metrics.ingest.bytes > 0);
    assert.equal(typeof metrics.findings.total, 'number');
  });

  test('control needs system:write; restart and unknown actions are 400 unsupported_action', async () => {
    assert.deepEqual(errorCode(await control('pause_ingest', viewer)), [403, 'forbidden', 'string']);
    assert.deepEqual(errorCode(await control('pause_ingest', operator)), [403, 'forbidden', 'string']);
    assert.deepEqual(errorCode(await control('restart')), [400, 'unsupported_action', 'string']);
    assert.deepEqual(errorCode(await control('format_disk')), [400, 'unsupported_action', 'string']);
    assert.deepEqual(errorCode(await call('POST', '/system/control', {})), [400, 'validation_failed', 'string']);
  });

  test('pause_ingest refuses HTTP ingest with 503 ingest_paused and datagrams; resume accepts again; audited', async () => {
    const paused = await control('pause_ingest');
    assert.deepEqual([paused.statusCode, paused.json().ingest_paused], [200, true]);
    const refused = await platform.app.inject({
      method: 'POST',
      url: `${API}/logs?reference_time=${REFERENCE_TIME}`,
      payload: { logs: ['<30>Mar 24 09:00:00 OpenWrt netifd: paused'], source_identifier: 'ap-paused' },
      headers: admin.headers,
    });
    assert.deepEqual(errorCode(refused), [503, 'ingest_paused', 'string']);
    assert.equal(refused.headers['retry-after'], '1');
    const { queue } = ingestRuntimeFor(platform.kernel);
    const datagram = { bytes: 'x', transport: 'udp' as const, sourceIp: '127.0.0.1', receivedAt: Date.now() };
    assert.equal(queue.offer(datagram), false, 'the queue refuses datagrams while paused');
    assert.equal((await call('GET', '/system/status')).json().ingest.paused, true);

    assert.equal((await control('resume_ingest')).json().ingest_paused, false);
    const accepted = await postLines(platform, admin, 'ap-paused', ['<30>Mar 24 09:00:00 OpenWrt netifd: resumed']);
    assert.equal(accepted.accepted, 1);
    const audit = await platform.kernel.audit.list({ action: 'opmas.system.control', limit: 50 });
    const actions = audit.map((entry) => (entry.after as { action: string }).action);
    assert.ok(actions.includes('pause_ingest') && actions.includes('resume_ingest'), JSON.stringify(actions));
  });

  test('reload_rules publishes the rules-changed event every agent node reloads on', async () => {
    const seen: unknown[] = [];
    const subscription = platform.kernel.bus.subscribe(RULES_CHANGED_SUBJECT, (message) => {
      seen.push(message.data);
    });
    try {
      assert.equal((await control('reload_rules')).statusCode, 200);
      await until(
        async () => seen.length,
        (n) => n === 1,
        'the rules-changed event',
      );
    } finally {
      subscription.unsubscribe();
    }
  });

  test('pause_orchestrator: a new finding is stored but starts no execution; after resume one does', async () => {
    assert.equal((await control('pause_orchestrator')).json().orchestrator_paused, true);
    assert.equal((await call('GET', '/system/health')).json().components.orchestrator.state, 'degraded');
    await postLines(platform, admin, 'ap-halted', badPasswords('198.51.100.61', 10));
    await until(
      () => findingsOf('ap-halted'),
      (items) => items.length === 1,
      'the finding',
    );
    // The orchestrator handles the stored finding right after storing it; give it time to (not) act.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.deepEqual(await executionsOf('ap-halted'), []);

    assert.equal((await control('resume_orchestrator')).json().orchestrator_paused, false);
    await postLines(platform, admin, 'ap-running', badPasswords('198.51.100.62', 10));
    await until(
      () => executionsOf('ap-running'),
      (rows) => rows.length === 1,
      'an execution after resume',
    );

    const history = (await call('GET', '/configurations/orchestrator_paused/history', undefined, viewer)).json();
    assert.deepEqual(
      history.items.map((item: { before: unknown; after: unknown }) => [item.before, item.after]),
      [
        [true, false],
        [false, true],
      ],
    );
  });

  test('configurations: active settings per component, history of the mode PUT, bad ids refused', async () => {
    const before = (await call('GET', '/configurations/component/orchestrator/active', undefined, viewer)).json();
    const mode = before.settings.find((s: { key: string }) => s.key === 'mode');
    assert.deepEqual([mode.id, mode.value, mode.source], ['orchestrator_mode', 'dry_run', 'environment']);

    assert.equal((await call('PUT', '/system/config', { mode: 'observe' })).statusCode, 200);
    const afterPut = (await call('GET', '/configurations/component/orchestrator/active')).json();
    const changed = afterPut.settings.find((s: { key: string }) => s.key === 'mode');
    assert.deepEqual([changed.value, changed.source, changed.updated_by], ['observe', 'runtime', admin.id]);
    const history = (await call('GET', '/configurations/orchestrator_mode/history')).json();
    assert.deepEqual(
      history.items.map((item: { before: unknown; after: unknown; changed_by: string }) => [
        item.before,
        item.after,
        item.changed_by,
      ]),
      [['dry_run', 'observe', admin.id]],
    );
    await call('PUT', '/system/config', { mode: 'dry_run' });

    const ingest = (await call('GET', '/configurations/component/ingest/active')).json();
    assert.deepEqual(
      ingest.settings.find((s: { key: string }) => s.key === 'udp_port'),
      { id: null, key: 'udp_port', value: 'off', source: 'environment', updated_at: null, updated_by: null },
    );
    const agents = (await call('GET', '/configurations/component/agents/active')).json();
    assert.equal(agents.settings.find((s: { key: string }) => s.key === 'partitions').value, 16);

    assert.deepEqual(errorCode(await call('GET', '/configurations/component/nope/active')), [
      400,
      'validation_failed',
      'string',
    ]);
    assert.deepEqual(errorCode(await call('GET', '/configurations/Bad-Id/history')), [
      400,
      'validation_failed',
      'string',
    ]);
    assert.deepEqual(errorCode(await call('GET', '/configurations/udp_port/history')), [404, 'not_found', 'string']);
  });

  test('ui-metrics: any reader reports; labels are bounded; bodies over 4 KiB are refused', async () => {
    const report = { page: 'findings', load_seconds: 0.7, errors: [{ kind: 'chunk_load' }, { kind: 'chunk_load' }] };
    assert.equal((await call('POST', '/system/ui-metrics', report, viewer)).statusCode, 202);
    const text = await platform.kernel.metrics.registry.metrics();
    assert.match(text, /opmas_ui_page_load_seconds_count\{page="findings"\} 1/);
    assert.match(text, /opmas_ui_errors_total\{kind="chunk_load"\} 2/);

    for (const bad of [
      { page: 'Findings Page' },
      { page: 'x'.repeat(41) },
      { page: 'ok', errors: [{ kind: '<b>' }] },
    ]) {
      assert.deepEqual(errorCode(await call('POST', '/system/ui-metrics', bad, viewer)), [
        400,
        'validation_failed',
        'string',
      ]);
    }
    const huge = {
      page: 'findings',
      errors: Array.from({ length: 50 }, () => ({ kind: 'k'.repeat(40) })),
      pad: 'x'.repeat(2000),
    };
    assert.equal((await call('POST', '/system/ui-metrics', huge, viewer)).statusCode, 413);
  });

  test('every system, configuration and export route refuses anonymous requests', async () => {
    for (const prefix of ['/system', '/configurations', '/dashboard', '/actions/export']) {
      assert.ok(routesUnder(platform, `${API}${prefix}`).length > 0, prefix);
      const publicRoutes = await assertAnonymousRefused(platform, `${API}${prefix}`);
      assert.deepEqual(publicRoutes, []);
    }
  });
});
