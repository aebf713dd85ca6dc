import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  restartOn,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { sharedData } from '@platform/testing/shared-data.ts';
import { eq } from 'drizzle-orm';
import { stringify } from 'yaml';
import { agentHostOf } from '../agents/agent-runtime.ts';
import type { FindingView } from '../findings/finding.schema.ts';
import { readFixtureLines } from '../ingest/fixture-lines.ts';
import { postLines, REFERENCE_TIME, WITHOUT_LISTENERS, waitFor } from '../ingest/ingest-test-kit.ts';
import { logreadToWire } from '../ingest/wire-format.ts';
import { opmasApp } from '../opmas.app.ts';
import { loadDefaultPack } from './default-pack.ts';
import { ruleState } from './rule.tables.ts';

// spec 02-opmas acceptance 16 (hot reload, rollback, refused documents) and 17 (state across a restart).
const API = '/opmas/api/v1';
const ENV = WITHOUT_LISTENERS;
const flapDoc = () => structuredClone(loadDefaultPack().pack.rules.find((rule) => rule.id === 'conn.iface_flap'));

/** `Interface '<iface>' is now down|up` from netifd, minute `minute` of 10:00 on Mar 19. */
const flapLine = (iface: string, minute: number) =>
  `<29>Mar 19 10:${String(minute).padStart(2, '0')}:00 OpenWrt netifd: Interface '${iface}' is now ${minute % 2 ? 'up' : 'down'}`;

type Injectable = Pick<TestPlatform, 'app'>;

const ingest = (target: Injectable, user: TestUser, device: string, lines: string[]) =>
  postLines(target, user, device, lines);

/**
 * Polls the device's findings until there are `count` (the pipeline is asynchronous). Each round sleeps: with PGlite
 * an injected request completes in microtasks only, and a tight loop would starve the timers that publish batches.
 */
async function findingsSettled(target: Injectable, user: TestUser, device: string, count: number) {
  let found: FindingView[] = [];
  for (const deadline = Date.now() + 5000; found.length < count && Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    found = await findingsOf(target, user, device);
  }
  return found;
}

async function findingsOf(target: Injectable, user: TestUser, device: string): Promise<FindingView[]> {
  const response = await target.app.inject({ url: `${API}/findings?device=${device}`, headers: user.headers });
  assert.equal(response.statusCode, 200, response.body);
  return response.json().items;
}

describeEachEngine('opmas rules API', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      env: ENV,
      startBackground: true,
    });
    admin = await platform.createUser('opmas-rules-admin', ['admin']);
    viewer = await platform.createUser('opmas-rules-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = admin.headers) =>
    platform.app.inject({ method, url: `${API}${url}`, payload: payload as never, headers });

  test('the shipped pack is stored at version 1 and listed by id with a cursor', async () => {
    const page = await call('GET', '/rules?limit=10', undefined, viewer.headers);
    assert.equal(page.statusCode, 200, page.body);
    assert.equal(page.json().items.length, 10);
    const rest = await call('GET', `/rules?limit=10&cursor=${page.json().next_cursor}`, undefined, viewer.headers);
    const ids = [...page.json().items, ...rest.json().items].map((rule: { id: string }) => rule.id);
    assert.deepEqual(
      ids,
      loadDefaultPack()
        .pack.rules.map((rule) => rule.id)
        .sort(),
    );
    const flap = (await call('GET', '/rules/conn.iface_flap', undefined, viewer.headers)).json();
    assert.deepEqual([flap.version, flap.source, flap.enabled, flap.doc.threshold.count], [1, 'builtin', true, 5]);
    const wifi = await call('GET', '/rules?domain=wifi', undefined, viewer.headers);
    assert.ok(wifi.json().items.every((rule: { domain: string }) => rule.domain === 'wifi'));
  });

  test('PUT with count 2 fires on two transitions without a restart; rollback restores 5 (acceptance 16)', async () => {
    const doc = flapDoc() ?? assert.fail('flap rule');
    doc.threshold = { count: 2, window: '300s' };
    const saved = await platform.app.inject({
      method: 'PUT',
      url: `${API}/rules/conn.iface_flap`,
      payload: stringify(doc),
      headers: { ...admin.headers, 'content-type': 'application/yaml', 'if-match': '1' },
    });
    assert.equal(saved.statusCode, 200, saved.body);
    assert.deepEqual([saved.json().version, saved.json().doc.threshold.count], [2, 2]);
    const stale = await platform.app.inject({
      method: 'PUT',
      url: `${API}/rules/conn.iface_flap`,
      payload: doc,
      headers: { ...admin.headers, 'if-match': '1' },
    });
    assert.equal(stale.statusCode, 412);
    assert.equal(stale.json().error.code, 'version_conflict');

    // The swap happens on the change event, between two batches, without a restart.
    const runningCount = () => agentHostOf(platform.kernel)?.rule('conn.iface_flap')?.threshold?.count;
    await waitFor(() => runningCount() === 2, 'the agent runs version 2');
    const hot = 'ap-hot';
    await ingest(platform, admin, hot, [flapLine('lan', 0), flapLine('lan', 1)]);
    const found = await findingsSettled(platform, admin, hot, 1);
    assert.equal(found.length, 1, 'two transitions fired once the new version ran');
    assert.deepEqual([found[0].rule_id, found[0].event_count], ['conn.iface_flap', 2]);

    const versions = (await call('GET', '/rules/conn.iface_flap/versions', undefined, viewer.headers)).json().items;
    assert.deepEqual(
      versions.map((v: { version: number }) => v.version),
      [2, 1],
    );
    const rolledBack = await call('POST', '/rules/conn.iface_flap/rollback', { version: 1 });
    assert.equal(rolledBack.statusCode, 200, rolledBack.body);
    assert.deepEqual([rolledBack.json().version, rolledBack.json().doc.threshold.count], [3, 5]);
    await waitFor(() => runningCount() === 5, 'the agent runs the restored threshold');
    const back = 'ap-back';
    const matches = () => agentHostOf(platform.kernel)?.stats('conn.iface_flap')?.matches ?? 0;
    const before = matches();
    await ingest(
      platform,
      admin,
      back,
      [0, 1, 2, 3].map((minute) => flapLine('wan', minute)),
    );
    await waitFor(() => matches() === before + 4, 'four transitions evaluated');
    assert.deepEqual(await findingsOf(platform, admin, back), [], 'four transitions are below the restored 5');
  });

  test('refused documents: bad regex, unsafe regex, unknown group, duplicates (acceptance 16)', async () => {
    const base = flapDoc() ?? assert.fail('flap rule');
    const put = (doc: unknown) => call('PUT', '/rules/conn.iface_flap', doc);
    const codeOf = async (doc: unknown) => (await put(doc)).json().error?.code;
    assert.equal(await codeOf({ ...base, match: { patterns: [{ regex: '(?<iface' }] } }), 'rule_regex_invalid');
    assert.equal(await codeOf({ ...base, match: { patterns: [{ regex: '^(?<iface>a+)+$' }] } }), 'rule_regex_unsafe');
    assert.equal(await codeOf({ ...base, groupby: ['nope'] }), 'rule_unknown_field');
    assert.equal(await codeOf({ ...base, id: 'conn.other' }), 'rule_invalid');
    assert.equal((await put({ ...base, match: { patterns: [{ regex: '^(?<iface>a+)+$' }] } })).statusCode, 400);
    const yaml = await platform.app.inject({
      method: 'PUT',
      url: `${API}/rules/conn.iface_flap`,
      payload: 'id: [unclosed',
      headers: { ...admin.headers, 'content-type': 'application/yaml' },
    });
    assert.deepEqual([yaml.statusCode, yaml.json().error.code], [400, 'rule_invalid']);

    const custom = {
      id: 'custom.dns_refused',
      domain: 'connectivity',
      type: 'trigger',
      description: 'upstream DNS refused a query',
      match: { program: ['dnsmasq'], patterns: [{ regex: '^reply (?<name>\\S+) is REFUSED$' }] },
      groupby: ['name'],
    };
    const created = await call('POST', '/rules', custom);
    assert.equal(created.statusCode, 201, created.body);
    assert.deepEqual([created.json().source, created.json().version], ['user', 1]);
    assert.equal((await call('POST', '/rules', custom)).json().error.code, 'rule_exists');
    const disabled = await call('POST', '/rules/custom.dns_refused/status', { enabled: false });
    assert.deepEqual([disabled.json().enabled, disabled.json().version], [false, 2]);
    const status = await call('GET', '/rules/custom.dns_refused/status', undefined, viewer.headers);
    assert.equal(status.json().enabled, false);
    assert.equal((await call('DELETE', '/rules/custom.dns_refused')).statusCode, 204);
    assert.equal((await call('GET', '/rules/custom.dns_refused')).statusCode, 404);
    assert.equal((await call('DELETE', '/rules/health.kernel_warn')).statusCode, 204);
    assert.equal((await call('GET', '/rules/health.kernel_warn')).statusCode, 404, 'a deleted built-in is hidden');
  });

  test('the test bench parses, matches and simulates the PSK finding without writing anything (acceptance 18)', async (t) => {
    const dir = sharedData(t, 'opmas');
    if (!dir) return;
    const psk = readFixtureLines(join(dir, 'openwrt-logread.txt')).find((line) => line.includes('PSK-MISMATCH'));
    const wire = logreadToWire(psk ?? assert.fail('psk line'), 'OpenWrt').replace(
      '74:38:b7:xx:xx:xx',
      '74:38:b7:12:34:56',
    );
    const lines = Array.from({ length: 10 }, (_, i) => wire.replace('17:26:50', `17:27:${String(10 + i)}`));
    const operator = await platform.createUser('opmas-rules-operator', ['user']);
    const counts = async () =>
      JSON.stringify([
        (await findingsOf(platform, admin, 'testbench')).length,
        (await call('GET', '/devices?limit=200')).json().items.filter((d: { slug: string }) => d.slug === 'testbench'),
        await platform.database.orm.select().from(ruleState).where(eq(ruleState.deviceSlug, 'testbench')),
      ]);
    const before = await counts();
    const run = await call('POST', '/rules/test', { lines, reference_time: REFERENCE_TIME }, operator.headers);
    assert.equal(run.statusCode, 200, run.body);
    const result = run.json();
    assert.equal(result.events.length, 10);
    const [first] = result.events;
    assert.deepEqual([first.parse.ok, first.parse.app, first.domain], [true, 'hostapd', 'wifi']);
    assert.deepEqual(first.matches, [
      { rule_id: 'wifi.psk_mismatch', pattern: 0, role: 'count', fields: first.matches[0].fields, valid: true },
    ]);
    assert.equal(first.matches[0].fields.mac, '74:38:b7:12:34:56');
    assert.deepEqual(
      result.findings.map((f: { rule_id: string; group_key: string; event_count: number }) => [
        f.rule_id,
        f.group_key,
        f.event_count,
      ]),
      [['wifi.psk_mismatch', 'mac=74:38:b7:12:34:56', 10]],
    );
    assert.deepEqual(result.invalid_keys, {});
    const nine = await call('POST', '/rules/test', { lines: lines.slice(0, 9), reference_time: REFERENCE_TIME });
    assert.deepEqual(nine.json().findings, []);
    const masked = await call('POST', '/rules/test', { lines: [logreadToWire(psk ?? '', 'OpenWrt')] });
    assert.deepEqual(
      masked.json().invalid_keys,
      { 'wifi.psk_mismatch': 1 },
      'the masked MAC of the real line fails validation',
    );
    assert.equal(masked.json().events[0].matches[0].valid, false);
    assert.equal(await counts(), before, 'nothing was stored');

    const unsafe = await call('POST', '/rules/test', {
      lines,
      rule: { ...flapDoc(), match: { patterns: [{ regex: '^(?<iface>a+)+$' }] } },
    });
    assert.deepEqual([unsafe.statusCode, unsafe.json().error.code], [400, 'rule_regex_unsafe']);
    const candidate = await call('POST', '/rules/test', {
      lines,
      rule: {
        id: 'try.psk',
        domain: 'wifi',
        type: 'trigger',
        description: 'x',
        match: { program: ['hostapd'], patterns: [{ regex: 'PSK-MISMATCH (?<mac>\\S+)' }] },
        groupby: ['mac'],
      },
    });
    assert.equal(candidate.json().findings.length, 10, 'an unsaved trigger rule fires on every line');
    assert.equal((await call('POST', '/rules/test', { lines }, viewer.headers)).statusCode, 403);
    assert.equal((await call('POST', '/rules/test', { lines: [] })).statusCode, 400);
  });

  test('viewers read but cannot write; anonymous is refused everywhere', async () => {
    const doc = flapDoc();
    const refused = await call('PUT', '/rules/conn.iface_flap', doc, viewer.headers);
    assert.deepEqual([refused.statusCode, refused.json().error.code], [403, 'forbidden']);
    assert.equal(
      (await call('POST', '/rules/conn.iface_flap/rollback', { version: 1 }, viewer.headers)).statusCode,
      403,
    );
    assert.deepEqual(await assertAnonymousRefused(platform, `${API}/rules`), []);
  });
});

describeEachEngine('opmas rule state across a restart', ({ newDatabaseUrl }) => {
  test('4 flaps, graceful stop, restart, the 5th fires; rows are checkpointed (acceptance 17)', async () => {
    // The holder process owns the database and runs no agents; each "process" below starts and stops them.
    const holder = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl(), env: ENV });
    const admin = await holder.createUser('opmas-state-admin', ['admin']);
    const device = 'ap-restart';
    try {
      const first = await restartOn(holder, [opmasApp], { startBackground: true });
      await ingest(
        first,
        admin,
        device,
        [0, 1, 2, 3].map((minute) => flapLine('wan', minute)),
      );
      await waitFor(() => agentHostOf(first.kernel)?.stats('conn.iface_flap')?.matches === 4, 'four flaps evaluated');
      await first.close(); // graceful: the last checkpoint is written on stop
      const rows = await holder.database.orm
        .select({ device: ruleState.deviceSlug, key: ruleState.groupKey, version: ruleState.ruleVersion })
        .from(ruleState)
        .where(eq(ruleState.ruleId, 'conn.iface_flap'));
      assert.deepEqual(rows, [{ device, key: 'iface=wan', version: 1 }]);

      const second = await restartOn(holder, [opmasApp], { startBackground: true });
      try {
        await ingest(second, admin, device, [flapLine('wan', 4)]);
        await waitFor(() => agentHostOf(second.kernel)?.stats('conn.iface_flap')?.fires === 1, 'the 5th flap fired');
        const found = await findingsSettled(second, admin, device, 1);
        assert.deepEqual(
          found.map((f) => [f.rule_id, f.group_key, f.event_count]),
          [['conn.iface_flap', 'iface=wan', 5]],
        );
      } finally {
        await second.close();
      }
    } finally {
      await holder.close();
    }
  });
});
