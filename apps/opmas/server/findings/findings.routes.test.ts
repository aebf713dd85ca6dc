import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { agentHostOf } from '../agents/agent-runtime.ts';
import { waitFor, wireLines } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import type { FindingView } from './finding.schema.ts';
import { type DeviceFindingEvent, FindingRecorder } from './finding-recorder.ts';

// spec 02-opmas acceptance 9 and 19 through the pipeline (HTTP ingest → bus → agent host → findings), 26 (lifecycle).
const FINDINGS = '/opmas/api/v1/findings';
const DEVICE = 'ap-findings';
/** Fixed arrival, so year inference and event times do not depend on the day the test runs. */
const REFERENCE_TIME = '2025-06-01T00:00:00Z';

describeEachEngine('opmas agents and findings', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;
  const published: { subject: string; kind: string; rule_id: string }[] = [];

  before(async () => {
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      env: { OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: 'off' },
      startBackground: true, // app start hooks (the agent host) and the outbox relay
    });
    admin = await platform.createUser('opmas-findings-admin', ['admin']);
    viewer = await platform.createUser('opmas-findings-viewer', ['viewer']);
    platform.kernel.bus.subscribe<{ kind: string; rule_id: string }>('opmas.finding.changed.>', (message) => {
      published.push({ subject: message.subject, kind: message.data.kind, rule_id: message.data.rule_id });
    });
  });
  after(async () => {
    await platform.close();
  });

  const replay = async (lines: string[]) => {
    const response = await platform.app.inject({
      method: 'POST',
      url: `/opmas/api/v1/logs?reference_time=${REFERENCE_TIME}`,
      payload: { logs: lines, source_identifier: DEVICE },
      headers: admin.headers,
    });
    assert.equal(response.statusCode, 202, response.body);
    assert.equal(response.json().accepted, lines.length);
  };
  const list = async (query = '', user: TestUser = admin): Promise<FindingView[]> => {
    const response = await platform.app.inject({ method: 'GET', url: `${FINDINGS}${query}`, headers: user.headers });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().items;
  };
  /** Polls the API until the device's findings stop changing for a moment (the pipeline is asynchronous). */
  const settledFindings = async (expectedEventTotal: (items: FindingView[]) => boolean): Promise<FindingView[]> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const items = await list(`?device=${DEVICE}`);
      if (expectedEventTotal(items)) return items;
      if (Date.now() > deadline) assert.fail(`findings did not settle: ${JSON.stringify(items.map(summary))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const summary = (f: FindingView) => `${f.rule_id} ${f.group_key} ${f.event_count}`;
  const byKey = (items: FindingView[], rule: string, key: string) =>
    items.find((f) => f.rule_id === rule && f.group_key === key) ?? assert.fail(`${rule} ${key}`);

  test('the real corpus gives exactly the 4 findings with evidence; a replay merges into them (acceptance 9, 19)', async (t) => {
    const lines = wireLines(t, 'OpenWrt');
    if (!lines) return;
    await replay(lines);
    const items = await settledFindings((found) => found.reduce((sum, f) => sum + f.event_count, 0) === 5);
    assert.deepEqual(items.map(summary).sort(), [
      'health.clock_jump  1',
      'health.oom  1',
      'wifi.radio_down iface= 1',
      'wifi.radio_down iface=wlan0 2',
    ]);
    assert.ok(items.every((f) => f.status === 'new' && f.occurrences === 1 && f.device === DEVICE && f.device_id));
    const oom = byKey(items, 'health.oom', '');
    assert.deepEqual([oom.fields.proc, oom.severity, oom.domain], ['hostapd', 'critical', 'health']);
    assert.equal(oom.evidence.length, 1);
    assert.ok(oom.evidence[0].raw.includes('hostapd invoked oom-killer'));
    assert.ok(lines.includes(oom.evidence[0].raw), 'evidence is the raw received line');
    assert.equal(byKey(items, 'health.clock_jump', '').fields.minutes, '14343');
    const dfs = byKey(items, 'wifi.radio_down', 'iface=');
    assert.ok(dfs.evidence[0].raw.includes('DFS start_dfs_cac() failed'));
    const wlan0 = byKey(items, 'wifi.radio_down', 'iface=wlan0');
    assert.equal(wlan0.evidence.length, 2);
    assert.ok(Date.parse(wlan0.first_seen) <= Date.parse(wlan0.last_seen));

    const detail = await platform.app.inject({ method: 'GET', url: `${FINDINGS}/${oom.id}`, headers: viewer.headers });
    assert.equal(detail.statusCode, 200);
    assert.deepEqual(detail.json(), oom);

    await waitFor(() => published.filter((p) => p.kind === 'fired').length === 4, 'four fired findings on the bus');
    assert.deepEqual(
      published
        .filter((p) => p.kind === 'fired')
        .map((p) => p.subject)
        .sort(),
      [
        'opmas.finding.changed.health',
        'opmas.finding.changed.health',
        'opmas.finding.changed.wifi',
        'opmas.finding.changed.wifi',
      ],
    );

    // The same lines again are new events (the engine cannot tell a replay from a repeat): each falls inside its
    // rule's cooldown, so the 4 open findings only count more events; the kernel warning's second sighting within
    // its 3600 s window reaches the threshold of 2 and is a new finding.
    await replay(lines);
    const again = await settledFindings((found) => found.reduce((sum, f) => sum + f.event_count, 0) === 12);
    for (const first of items) {
      const now = again.find((f) => f.id === first.id) ?? assert.fail(summary(first));
      assert.deepEqual([now.occurrences, now.event_count], [1, first.event_count * 2]);
    }
    assert.equal(byKey(again, 'wifi.radio_down', 'iface=wlan0').evidence.length, 4);
    const warn = byKey(again, 'health.kernel_warn', '');
    assert.equal(warn.event_count, 2);
    assert.ok(warn.evidence.every((line) => line.raw.includes('[ cut here ]')));
    await waitFor(() => published.filter((p) => p.kind === 'fired').length === 5, 'five fired findings on the bus');
  });

  test('a redelivered finding event is applied once', async (t) => {
    if (!wireLines(t, 'OpenWrt')) return;
    const [oom] = await list('?rule=health.oom');
    const recorder = new FindingRecorder(platform.kernel);
    const event: DeviceFindingEvent = {
      event_id: '6a1e0c7e-0000-8000-8000-000000000001',
      kind: 'updated',
      rule_id: 'health.oom',
      domain: 'health',
      severity: 'critical',
      device: DEVICE,
      device_id: oom.device_id,
      group_key: '',
      fields: oom.fields,
      event_count: 3,
      first_seen: Date.parse(oom.first_seen),
      last_seen: Date.parse(oom.last_seen),
      evidence: [],
      labels: {},
      title: oom.title,
      update_seq: 9,
    };
    assert.equal((await recorder.record(event))?.eventCount, oom.event_count + 1);
    assert.equal(await recorder.record(event), undefined);
    assert.equal((await list('?rule=health.oom'))[0].event_count, oom.event_count + 1);
  });

  test('filters and cursor', async (t) => {
    if (!wireLines(t, 'OpenWrt')) return;
    assert.deepEqual(
      (await list('?severity=critical')).map((f) => f.rule_id),
      ['health.oom'],
    );
    assert.equal((await list('?domain=wifi&rule=wifi.radio_down&status=new')).length, 2);
    assert.equal((await list('?device=nobody')).length, 0);
    const first = await platform.app.inject({ method: 'GET', url: `${FINDINGS}?limit=3`, headers: viewer.headers });
    const page = first.json();
    assert.equal(page.items.length, 3);
    const rest = await list(`?limit=3&cursor=${page.next_cursor}`, viewer);
    assert.equal(rest.length, 2);
    assert.equal(new Set([...page.items, ...rest].map((f: FindingView) => f.id)).size, 5);
  });

  test('status changes follow the finding states; refused ones answer 409 (acceptance 26)', async (t) => {
    if (!wireLines(t, 'OpenWrt')) return;
    const [finding] = await list('?rule=health.clock_jump');
    const change = (status: string, user: TestUser = admin, method: 'PATCH' | 'PUT' = 'PATCH') =>
      platform.app.inject({
        method,
        url: `${FINDINGS}/${finding.id}`,
        payload: { status, note: 'checked NTP' },
        headers: user.headers,
      });
    assert.equal((await change('investigating', viewer)).statusCode, 403);
    assert.equal((await change('investigating')).json().status, 'investigating');
    const refused = await change('closed');
    assert.equal(refused.statusCode, 409);
    assert.equal(refused.json().error.code, 'invalid_transition');
    const resolved = await change('resolved', admin, 'PUT');
    assert.equal(resolved.statusCode, 200);
    assert.ok(resolved.json().resolved_at);
    assert.equal((await change('closed')).json().status, 'closed');
    assert.equal((await change('new')).statusCode, 409, 'closed is final');
    const missing = await platform.app.inject({
      method: 'GET',
      url: `${FINDINGS}/00000000-0000-4000-8000-000000000000`,
      headers: admin.headers,
    });
    assert.equal(missing.statusCode, 404);
  });

  test('false_positive with suppress_for keeps a refire from raising a finding; without it the refire is new (acceptance 26)', async (t) => {
    const lines = wireLines(t, 'OpenWrt');
    if (!lines) return;
    const oomLine = lines.find((line) => line.includes('invoked oom-killer')) ?? assert.fail('oom line');
    // Days later than the first sighting, so the rule's 3600 s cooldown is over and the engine fires again.
    const later = (day: number) => oomLine.replace('Apr 12 ', `Apr ${day} `);
    const change = (id: string, payload: Record<string, string>) =>
      platform.app.inject({ method: 'PUT', url: `${FINDINGS}/${id}`, payload, headers: admin.headers });
    const [oom] = await list('?rule=health.oom');
    assert.equal((await change(oom.id, { status: 'closed', suppress_for: '1h' })).statusCode, 400);
    const marked = await change(oom.id, { status: 'false_positive', suppress_for: '1h', note: 'lab device' });
    assert.equal(marked.statusCode, 200, marked.body);
    const fires = () => agentHostOf(platform.kernel)?.stats('health.oom')?.fires ?? 0;
    const firesBefore = fires();
    await replay([later(14)]);
    await waitFor(() => fires() === firesBefore + 1, 'the engine fired again');
    await new Promise((resolve) => setTimeout(resolve, 200)); // the recorder stores after the engine step
    assert.deepEqual(
      (await list('?rule=health.oom')).map((f) => f.id),
      [oom.id],
      'the suppressed refire raised nothing',
    );

    const [clock] = await list('?rule=health.clock_jump');
    const clockLine = lines.find((line) => line.includes('time disparity')) ?? assert.fail('clock line');
    const current = clock.status === 'closed' ? clock : (await change(clock.id, { status: 'false_positive' })).json();
    assert.ok(['closed', 'false_positive'].includes(current.status));
    await replay([clockLine.replace('Jan  9 ', 'Jan 19 ')]);
    await waitFor(() => published.filter((p) => p.kind === 'fired').length === 6, 'the clock refire on the bus');
    assert.equal((await list('?rule=health.clock_jump')).length, 2, 'an unsuppressed refire is a new finding');
    assert.equal(published.filter((p) => p.kind === 'fired' && p.rule_id === 'health.oom').length, 1);
  });

  test('anonymous requests are refused on every findings route', async () => {
    const publicRoutes = await assertAnonymousRefused(platform, FINDINGS);
    assert.deepEqual(publicRoutes, []);
  });
});
