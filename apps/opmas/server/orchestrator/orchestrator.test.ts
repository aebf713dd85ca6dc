import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { asc, eq } from 'drizzle-orm';
import { postLines, WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import type { ActionView, DecisionView } from './orchestrator.schema.ts';
import { playbookExecutions, profiles } from './orchestrator.tables.ts';
import { expireDecisions, orchestratorOf } from './orchestrator-runtime.ts';

// spec 02-opmas acceptance 11 (last clause), 21 (modes, injection) and 23 (decisions: escalation, stream, expiry).
const API = '/opmas/api/v1';

/** The real dropbear line, five times from one address, 10 s apart with distinct pids. */
const badPasswords = (ip: string, minute: number) =>
  Array.from(
    { length: 5 },
    (_, i) =>
      `<36>Mar 24 09:${String(minute).padStart(2, '0')}:${String(10 * i).padStart(2, '0')} OpenWrt dropbear[${6000 + i}]: Bad password attempt for 'root' from ${ip}:38224`,
  );

describeEachEngine('opmas orchestrator', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let operator: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      env: { ...WITHOUT_LISTENERS, OPMAS_PROTECTED_CIDRS: '10.99.0.0/16' },
      startBackground: true,
    });
    admin = await platform.createUser('opmas-orch-admin', ['admin']);
    operator = await platform.createUser('opmas-orch-operator', ['user']);
    viewer = await platform.createUser('opmas-orch-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, user = admin) =>
    platform.app.inject({ method, url: `${API}${url}`, payload: payload as never, headers: user.headers });
  const ingest = (device: string, lines: string[]) => postLines(platform, admin, device, lines);
  /** Polls (with sleeps, so PGlite-mode timers run) until the device's executions have all finished. */
  const settledExecutions = async (device: string, count: number) => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const rows = await platform.database.orm
        .select()
        .from(playbookExecutions)
        .where(eq(playbookExecutions.device, device))
        .orderBy(asc(playbookExecutions.seq));
      if (rows.length >= count && rows.every((row) => !['queued', 'running'].includes(row.status))) return rows;
      if (Date.now() > deadline) assert.fail(`executions of ${device}: ${JSON.stringify(rows)}`);
    }
  };
  const actionsOf = async (device: string, path = '/actions'): Promise<ActionView[]> => {
    const devices = (await call('GET', '/devices?limit=200')).json().items as { id: string; slug: string }[];
    const id = devices.find((d) => d.slug === device)?.id ?? assert.fail(device);
    return (await call('GET', `${path}?device_id=${id}`)).json().items;
  };

  test('dry_run: the SSH finding gets a simulated 4 h block_ip and dry-run actions; nothing runs (acceptance 11, 21)', async () => {
    await ingest('ap-orch', badPasswords('213.6.130.133', 44));
    const [execution] = await settledExecutions('ap-orch', 1);
    assert.deepEqual([execution.status, execution.mode], ['succeeded', 'dry_run']);
    const actions = await actionsOf('ap-orch', '/intended-actions');
    assert.deepEqual(actions.map((a) => [a.template_id, a.status]).sort(), [
      ['block_ip4', 'dry_run'],
      ['logread_program', 'dry_run'],
    ]);
    const block = actions.find((a) => a.template_id === 'block_ip4') ?? assert.fail('block');
    assert.equal(block.rendered_command, "nft add element inet fw4 opmas_block4 '{ 213.6.130.133 timeout 14400s }'");
    assert.ok(
      actions.every((a) => a.attempts === 0 && a.exit_code === null),
      'the executor was never called',
    );
    const decisions: DecisionView[] = (await call('GET', '/decisions?value=213.6.130.133', undefined, viewer)).json()
      .items;
    assert.deepEqual(
      decisions.map((d) => [d.type, d.scope, d.simulated, d.status, d.duration_s]),
      [['block_ip', 'ip', true, 'active', 4 * 3600]],
    );
    const stream = (await call('GET', '/decisions/stream?startup=true', undefined, viewer)).json();
    assert.deepEqual(stream.new, [], 'simulated decisions are hidden from bouncers');

    // The operator resolves it; a new finding on the same address after the rule's cooldown escalates to 8 h.
    const [finding] = (await call('GET', '/findings?device=ap-orch')).json().items;
    assert.equal((await call('PUT', `/findings/${finding.id}`, { status: 'resolved' })).statusCode, 200);
    await ingest('ap-orch', badPasswords('213.6.130.133', 59));
    await settledExecutions('ap-orch', 2);
    const escalated: DecisionView[] = (await call('GET', '/decisions?value=213.6.130.133')).json().items;
    assert.deepEqual(
      escalated.map((d) => d.duration_s),
      [8 * 3600, 4 * 3600],
    );
  });

  test('observe stores nothing but the execution; a profile max_mode dry_run caps a system execute (acceptance 21)', async () => {
    assert.equal((await call('PUT', '/system/config', { mode: 'observe' }, operator)).statusCode, 403);
    assert.equal((await call('PUT', '/system/config', { mode: 'observe' })).json().mode, 'observe');
    await ingest('ap-observe', badPasswords('198.51.100.77', 10));
    const [observed] = await settledExecutions('ap-observe', 1);
    assert.equal(observed.status, 'observed');
    assert.deepEqual(await actionsOf('ap-observe'), []);
    assert.deepEqual((await call('GET', '/decisions?value=198.51.100.77')).json().items, []);

    await platform.database.orm.update(profiles).set({ maxMode: 'dry_run' }).where(eq(profiles.id, 'block-attackers'));
    assert.equal((await call('PUT', '/system/config', { mode: 'execute' })).json().mode, 'execute');
    await ingest('ap-capped', badPasswords('198.51.100.78', 10));
    const [capped] = await settledExecutions('ap-capped', 1);
    assert.equal(capped.mode, 'dry_run');
    assert.ok((await actionsOf('ap-capped')).every((a) => a.status === 'dry_run'));
    await call('PUT', '/system/config', { mode: 'dry_run' });
    await platform.database.orm.update(profiles).set({ maxMode: 'execute' }).where(eq(profiles.id, 'block-attackers'));
  });

  test('injection attempts are refused: 400 param_invalid by hand, a rejected and audited action in a playbook (acceptance 21)', async () => {
    const devices = (await call('GET', '/devices?limit=200')).json().items as { id: string; slug: string }[];
    const device = devices.find((d) => d.slug === 'ap-orch') ?? assert.fail('device');
    const manual = await call('POST', '/actions', {
      device_id: device.id,
      template_id: 'block_ip4',
      params: { ip: '1.2.3.4; reboot', ttl_s: 60 },
      reason: 'test',
    });
    assert.deepEqual(
      [manual.statusCode, manual.json().error.code, manual.json().error.details.param],
      [400, 'param_invalid', 'ip'],
    );
    const protectedIp = await call('POST', '/actions', {
      device_id: device.id,
      template_id: 'block_ip4',
      params: { ip: '10.99.1.1', ttl_s: 60 },
      reason: 'test',
    });
    assert.equal(protectedIp.json().error.code, 'param_invalid', 'OPMAS_PROTECTED_CIDRS are never blocked');
    const forbidden = await call(
      'POST',
      '/actions',
      { device_id: device.id, template_id: 'uptime', mode: 'execute', reason: 'x' },
      operator,
    );
    assert.deepEqual([forbidden.statusCode, forbidden.json().error.code], [403, 'mode_forbidden']);
    const dry = await call(
      'POST',
      '/actions',
      { device_id: device.id, template_id: 'uptime', reason: 'check' },
      operator,
    );
    assert.deepEqual([dry.statusCode, dry.json().status, dry.json().rendered_command], [202, 'dry_run', 'uptime']);

    const run = await call(
      'POST',
      '/playbooks/block-source-ip/execute',
      { device_id: device.id, params: { ip: '1.2.3.4; reboot' } },
      operator,
    );
    assert.equal(run.statusCode, 202, run.body);
    const executionId = run.json().execution_id;
    let execution = (await call('GET', `/playbooks/executions/${executionId}`)).json();
    for (
      const deadline = Date.now() + 5000;
      ['queued', 'running'].includes(execution.status) && Date.now() < deadline;
    ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      execution = (await call('GET', `/playbooks/executions/${executionId}`)).json();
    }
    assert.equal(execution.status, 'failed');
    assert.deepEqual(
      execution.results.map((r: { status: string; error_code?: string }) => [r.status, r.error_code]),
      [
        ['rejected', 'param_invalid'],
        ['skipped', undefined],
      ],
    );
    const rejected = (await call('GET', '/actions?status=rejected')).json().items as ActionView[];
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0].rendered_command, null);
    const audit = await platform.kernel.audit.list({ action: 'opmas.action.rejected' } as never);
    assert.ok(
      audit.some((entry) => entry.targetId === rejected[0].id),
      'the refusal is audited',
    );
  });

  test('decisions: bouncer stream startup then changes; revoke and TTL expiry run the revert template (acceptance 23)', async () => {
    const devices = (await call('GET', '/devices?limit=200')).json().items as { id: string; slug: string }[];
    const device = devices.find((d) => d.slug === 'ap-orch') ?? assert.fail('device');
    const { decisions } = orchestratorOf(platform.kernel);
    const make = (value: string, seconds: number) =>
      decisions.create({
        type: 'block_ip',
        scope: 'ip',
        value,
        baseDurationS: seconds,
        deviceId: device.id,
        device: device.slug,
        findingId: null,
        profileId: null,
        executionId: null,
        origin: 'manual',
        simulated: false,
        revert: { templateId: 'unblock_ip4', params: { ip: value } },
      });
    const long = await make('203.0.113.50', 3600);
    const startup = (await call('GET', '/decisions/stream?startup=true', undefined, viewer)).json();
    assert.deepEqual(
      startup.new.map((d: DecisionView) => d.value),
      ['203.0.113.50'],
    );
    assert.deepEqual((await call('GET', '/decisions/stream', undefined, viewer)).json(), { new: [], deleted: [] });
    await make('203.0.113.51', 1);
    assert.equal((await call('DELETE', `/decisions/${long.id}`, undefined, viewer)).statusCode, 403);
    assert.equal((await call('DELETE', `/decisions/${long.id}`, undefined, operator)).statusCode, 204);
    const changes = (await call('GET', '/decisions/stream', undefined, viewer)).json();
    assert.deepEqual(
      changes.new.map((d: DecisionView) => d.value),
      ['203.0.113.51'],
    );
    assert.deepEqual(
      changes.deleted.map((d: DecisionView) => [d.value, d.status]),
      [['203.0.113.50', 'revoked']],
    );

    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.equal(await expireDecisions(platform.kernel), 1);
    const expired = (await call('GET', '/decisions?value=203.0.113.51')).json().items[0];
    assert.equal(expired.status, 'expired');
    const reverts = (await call('GET', `/actions?device_id=${device.id}`))
      .json()
      .items.filter((a: ActionView) => a.template_id === 'unblock_ip4');
    assert.deepEqual(reverts.map((a: ActionView) => a.rendered_command).sort(), [
      "nft delete element inet fw4 opmas_block4 '{ 203.0.113.50 }'",
      "nft delete element inet fw4 opmas_block4 '{ 203.0.113.51 }'",
    ]);
    assert.deepEqual(
      (await call('GET', '/decisions/stream', undefined, viewer)).json().deleted.map((d: DecisionView) => d.value),
      ['203.0.113.51'],
    );
  });

  test('anonymous requests are refused on every orchestrator route', async () => {
    for (const prefix of [
      `${API}/actions`,
      `${API}/intended-actions`,
      `${API}/playbooks`,
      `${API}/decisions`,
      `${API}/profiles`,
      `${API}/system`,
    ]) {
      assert.deepEqual(await assertAnonymousRefused(platform, prefix), []);
    }
  });
});
