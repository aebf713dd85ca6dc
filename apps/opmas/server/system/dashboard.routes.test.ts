import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { findings } from '../findings/finding.tables.ts';
import { postLines, WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import { devices } from '../opmas.schema.ts';
import { actions } from '../orchestrator/orchestrator.tables.ts';
import { rules, ruleVersions } from '../rules/rule.tables.ts';

// spec 02-opmas "API": GET /dashboard/stats and /dashboard/activity/recent (dashboard:read).
const API = '/opmas/api/v1';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describeEachEngine('opmas dashboard routes', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl(), env: WITHOUT_LISTENERS });
    admin = await platform.createUser('opmas-dash-admin', ['admin']);
    viewer = await platform.createUser('opmas-dash-viewer', ['viewer']);
    const orm = platform.database.orm;
    // Seen 1 min ago → online; 10 min → stale (300 s < age ≤ 900 s); 20 min and never → offline.
    await orm.insert(devices).values([
      { slug: 'ap-online', identity: 'host:ap-online', lastSeen: minutesAgo(1) },
      { slug: 'ap-stale', identity: 'host:ap-stale', lastSeen: minutesAgo(10) },
      { slug: 'ap-gone', identity: 'host:ap-gone', lastSeen: minutesAgo(20) },
      { slug: 'ap-never', identity: 'host:ap-never' },
    ]);
    await orm.insert(actions).values([
      { templateId: 'free', device: 'ap-online', mode: 'execute', status: 'pending_approval' },
      { templateId: 'uptime', device: 'ap-online', mode: 'execute', status: 'succeeded', completedAt: minutesAgo(60) },
      { templateId: 'df', device: 'ap-online', mode: 'execute', status: 'failed', completedAt: minutesAgo(60 * 30) },
    ]);
    const seen = { firstSeen: minutesAgo(5), lastSeen: minutesAgo(5), device: 'ap-online', groupKey: '' };
    await orm.insert(findings).values([
      { ruleId: 'health.oom', domain: 'health', severity: 'critical', title: 'OOM', status: 'new', ...seen },
      { ruleId: 'wifi.radio_down', domain: 'wifi', severity: 'warning', title: 'radio', status: 'resolved', ...seen },
    ]);
    const doc = {} as never;
    await orm.insert(rules).values({ id: 'test.rule', domain: 'health', type: 'trigger', doc, source: 'user' });
    await orm.insert(ruleVersions).values({ ruleId: 'test.rule', version: 1, doc, enabled: true });
  });
  after(async () => {
    await platform.close();
  });

  const get = (url: string, user = viewer) =>
    platform.app.inject({ method: 'GET', url: `${API}${url}`, headers: user.headers });

  test('stats: devices by last_seen, open findings, pending and executed actions, ingest rates', async () => {
    await postLines(platform, admin, 'ap-new', ['<30>Mar 24 09:00:00 OpenWrt netifd: hello']);
    const response = await get('/dashboard/stats');
    assert.equal(response.statusCode, 200);
    const stats = response.json();
    // ap-new registered just now by ingest; its last_seen is flushed later, so it counts offline until then.
    assert.equal(stats.devices.total, 5);
    assert.deepEqual([stats.devices.online, stats.devices.stale], [1, 1]);
    assert.equal(stats.devices.offline, 3);
    assert.deepEqual(stats.actions, { pending: 1, executed_24h: 1 });
    assert.equal(stats.decisions_active, 0);
    assert.equal(typeof stats.ingest.rate_1m, 'number');
    assert.equal(stats.ingest.drops_1m, 0);
    assert.deepEqual(stats.findings, { open: 1, by_severity: { critical: 1 }, by_domain: { health: 1 } });
    assert.deepEqual(stats.findings, { open: 1, by_severity: { critical: 1 }, by_domain: { health: 1 } });
  });

  test('activity: newest first over findings, actions, devices and rules; limit bounded to 100', async () => {
    const items = (await get('/dashboard/activity/recent?limit=100')).json().items as { kind: string; at: string }[];
    const kinds = new Set(items.map((item) => item.kind));
    for (const kind of ['finding', 'action', 'device', 'rule']) assert.ok(kinds.has(kind), `${kind} in ${[...kinds]}`);
    const times = items.map((item) => Date.parse(item.at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.equal((await get('/dashboard/activity/recent?limit=3')).json().items.length, 3);
    // 2 findings + 3 actions + 5 devices + 1 rule version: fewer than the default 20, so all of them.
    assert.equal((await get('/dashboard/activity/recent')).json().items.length, 11);
    const tooMany = await get('/dashboard/activity/recent?limit=101');
    assert.deepEqual([tooMany.statusCode, tooMany.json().error.code], [400, 'validation_failed']);
  });
});
