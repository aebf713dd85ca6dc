/**
 * Execute mode through the orchestrator against a real OpenSSH server on loopback (spec 02-opmas acceptance 22):
 * the device's key is stored write-only, every step runs in order and the actions keep stdout and exit codes. The
 * executor-level cases (host-key mismatch, timeout, truncation, injection, password auth) are in ssh-executor.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';
import { type OpensshServer, opensshTierSkipReason, startOpensshServer } from '@platform/testing/openssh-server.ts';
import { opmasApp } from '../opmas.app.ts';
import type { ActionView } from './orchestrator.schema.ts';

const API = '/opmas/api/v1';

describe('opmas execute mode over real SSH', { skip: opensshTierSkipReason() }, () => {
  let server: OpensshServer;
  let platform: TestPlatform;
  let admin: TestUser;
  let operator: TestUser;

  before(async () => {
    server = await startOpensshServer();
    platform = await buildTestApp({
      apps: [opmasApp],
      env: { OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: 'off', OPMAS_ORCHESTRATOR_MODE: 'execute' },
      startBackground: true,
    });
    admin = await platform.createUser('opmas-ssh-admin', ['admin']);
    operator = await platform.createUser('opmas-ssh-operator', ['user']);
  });
  after(async () => {
    await platform?.close();
    await server?.stop();
  });

  const call = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, user = admin) =>
    platform.app.inject({ method, url: `${API}${url}`, payload: payload as never, headers: user.headers });

  test('memory diagnostics run step by step on the device; outputs and exit codes are stored (acceptance 22)', async () => {
    const ssh = {
      host: server.host,
      port: server.port,
      username: server.username,
      host_key_sha256: server.hostKeySha256,
      private_key: server.clientPrivateKey,
    };
    const refused = await call('POST', '/devices', { hostname: 'ap-ssh-refused', ssh }, operator);
    assert.equal(refused.statusCode, 403, 'only admins set credentials');
    const created = await call('POST', '/devices', { hostname: 'ap-ssh', ssh });
    assert.equal(created.statusCode, 201, created.body);
    assert.ok(!created.body.includes('PRIVATE KEY'), 'the key is write-only');
    const device = created.json();
    const read = await call('GET', `/devices/${device.id}`);
    assert.ok(!read.body.includes('PRIVATE KEY'));

    const run = await call('POST', '/playbooks/memory-diagnostics/execute', { device_id: device.id, mode: 'execute' });
    assert.equal(run.statusCode, 202, run.body);
    let execution = (await call('GET', `/playbooks/executions/${run.json().execution_id}`)).json();
    for (const deadline = Date.now() + 30_000; ['queued', 'running'].includes(execution.status); ) {
      if (Date.now() > deadline) assert.fail(JSON.stringify(execution));
      await new Promise((resolve) => setTimeout(resolve, 100));
      execution = (await call('GET', `/playbooks/executions/${execution.id}`)).json();
    }
    assert.equal(execution.mode, 'execute');
    assert.deepEqual(
      execution.results.map((r: { name: string }) => r.name),
      ['free', 'df', 'top_once', 'dmesg_tail'],
    );
    const actions: ActionView[] = (await call('GET', `/actions?device_id=${device.id}`)).json().items.reverse();
    assert.deepEqual(
      actions.map((a) => a.template_id),
      ['free', 'df', 'top_once', 'dmesg_tail'],
      'one action per step, in order',
    );
    for (const action of actions) {
      assert.ok(
        ['succeeded', 'failed'].includes(action.status),
        `${action.template_id}: ${action.status} ${action.error_message}`,
      );
      assert.equal(typeof action.exit_code, 'number', action.template_id);
      assert.equal(action.attempts, 1);
    }
    const free = actions[0];
    assert.deepEqual([free.status, free.exit_code, free.rendered_command], ['succeeded', 0, 'free']);
    assert.match(free.stdout ?? '', /Mem:/);
    const df = actions[1];
    assert.equal(df.exit_code, 0);
    assert.match(df.stdout ?? '', /Filesystem/);
    for (const [index, action] of actions.entries()) {
      if (index > 0) assert.ok(Date.parse(action.created_at) >= Date.parse(actions[index - 1].completed_at ?? ''));
    }
    assert.ok(server.log().includes('Accepted publickey'), 'the stored key authenticated');
  });
});
