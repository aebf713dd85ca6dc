/**
 * The real-OpenSSH tier (spec 02-opmas acceptance test 22): a throwaway `sshd` on 127.0.0.1; skipped loudly outside CI
 * when openssh-server is missing, failing in CI. The templates here are test-only; the shipped set targets OpenWrt.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort } from '@platform/testing/free-port.ts';
import { type OpensshServer, opensshTierSkipReason, startOpensshServer } from '@platform/testing/openssh-server.ts';
import ssh2 from 'ssh2';
import { CommandAllowlist, type CommandTemplate, type RenderedCommand, TemplateError } from './command-template.ts';
import { type ExecRequest, ExecutorError, type SshTarget } from './executor.ts';
import { hostKeyFingerprint, KILL_ON_STDIN_EOF, normalizeFingerprint, SshExecutor } from './ssh-executor.ts';

const testTemplate = (template: Omit<CommandTemplate, 'description' | 'kind'>): CommandTemplate => ({
  description: 'test only',
  kind: 'diagnostic',
  ...template,
});

const TEST_TEMPLATES = new CommandAllowlist([
  testTemplate({ id: 'uname', params: {}, commands: [['uname', '-s']], timeoutS: 10 }),
  testTemplate({
    id: 'exit_with',
    params: { code: { type: 'int', max: 255 } },
    commands: [['sh', '-c', 'echo bye >&2; exit {{code}}']],
    timeoutS: 10,
  }),
  testTemplate({
    id: 'sleep',
    params: { seconds: { type: 'int', max: 600 } },
    commands: [['sleep', '{{seconds}}']],
    timeoutS: 1,
  }),
  testTemplate({
    id: 'sleep_long',
    params: { seconds: { type: 'int', max: 600 } },
    commands: [['sleep', '{{seconds}}']],
    timeoutS: 60,
  }),
  testTemplate({
    id: 'bulk_output',
    params: { bytes: { type: 'int', max: 10_000_000 } },
    commands: [
      ['head', '-c', '{{bytes}}', '/dev/zero'],
      ['tr', '\\000', 'a'],
    ],
    join: 'pipe',
    timeoutS: 20,
  }),
  testTemplate({
    id: 'touch_in',
    params: { name: { type: 'iface' } },
    commands: [['touch', '/tmp/{{name}}']],
    timeoutS: 10,
  }),
]);

/** A process with this exact command line still running on the (local) sshd host. */
const remoteProcessRunning = (pattern: string): boolean => spawnSync('pgrep', ['-f', `^${pattern}$`]).status === 0;

const waitFor = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
};

describe('SshExecutor against a real OpenSSH server', { skip: opensshTierSkipReason() }, () => {
  let server: OpensshServer;
  let target: SshTarget;
  const executor = new SshExecutor({ connectTimeoutMs: 5_000, outputMaxBytes: 64 * 1024 });
  const run = (command: RenderedCommand, overrides: Partial<ExecRequest> = {}) =>
    executor.run({ target, command, ...overrides });

  before(async () => {
    server = await startOpensshServer();
    target = {
      host: server.host,
      port: server.port,
      username: server.username,
      hostKeySha256: server.hostKeySha256,
      privateKey: server.clientPrivateKey,
    };
  });
  after(() => server?.stop());

  test('runs an allowlisted read command with the pinned key and key auth', async () => {
    const result = await run(TEST_TEMPLATES.render('uname', {}));
    assert.equal(result.outcome, 'exited');
    assert.equal(result.exitCode, 0);
    assert.equal(result.stdout, 'Linux\n');
    assert.equal(result.stderr, '');
    assert.equal(result.truncated, false);
    assert.equal(result.hostKeySha256, server.hostKeySha256);
    assert.match(server.log(), /Accepted publickey for /);
  });

  test('reports a non-zero exit code with stderr', async () => {
    const result = await run(TEST_TEMPLATES.render('exit_with', { code: 3 }));
    assert.deepEqual([result.outcome, result.exitCode, result.stdout, result.stderr], ['exited', 3, '', 'bye\n']);
  });

  test('a command past its template timeout is killed and reported timed_out', async () => {
    const command = TEST_TEMPLATES.render('sleep', { seconds: 31 });
    const result = await run(command);
    assert.equal(result.outcome, 'timed_out');
    assert.equal(result.exitCode, null);
    assert.ok(result.durationMs >= 1_000 && result.durationMs < 5_000, `took ${result.durationMs} ms`);
    assert.equal(await waitFor(() => !remoteProcessRunning('sleep 31'), 3_000), true, 'remote sleep was killed');
  });

  test('abort mid-command rejects with aborted and kills the remote command', async () => {
    const controller = new AbortController();
    const pending = run(TEST_TEMPLATES.render('sleep_long', { seconds: 37 }), { signal: controller.signal });
    assert.equal(await waitFor(() => remoteProcessRunning('sleep 37'), 5_000), true, 'remote sleep started');
    const abortedAt = Date.now();
    controller.abort();
    await assert.rejects(pending, (error: unknown) => error instanceof ExecutorError && error.code === 'aborted');
    assert.ok(Date.now() - abortedAt < 1_000);
    assert.equal(await waitFor(() => !remoteProcessRunning('sleep 37'), 3_000), true, 'remote sleep was killed');
    await assert.rejects(run(TEST_TEMPLATES.render('uname', {}), { signal: AbortSignal.abort() }), { code: 'aborted' });
  });

  test('200 KB of output is truncated at 64 KiB', async () => {
    const result = await run(TEST_TEMPLATES.render('bulk_output', { bytes: 200_000 }));
    assert.equal(result.outcome, 'exited');
    assert.equal(result.exitCode, 0);
    assert.equal(result.truncated, true);
    assert.equal(result.stdout, 'a'.repeat(64 * 1024));
  });

  test('a wrong pinned host key is refused before authentication', async () => {
    const logBefore = server.log().length;
    const wrongPin = `SHA256:${'A'.repeat(43)}`;
    await assert.rejects(run(TEST_TEMPLATES.render('uname', {}), { target: { ...target, hostKeySha256: wrongPin } }), {
      code: 'host_key_mismatch',
      retryable: false,
    });
    const closedPreauth = /Disconnected from 127\.0\.0\.1 port \d+ \[preauth\]/;
    assert.equal(await waitFor(() => closedPreauth.test(server.log().slice(logBefore)), 2_000), true, server.log());
    assert.doesNotMatch(server.log().slice(logBefore), /Accepted|Failed|Postponed|userauth/i);
  });

  test('an unpinned host key is refused unless trust-on-first-use is on, which reports the key', async () => {
    const unpinned = { ...target, hostKeySha256: undefined };
    await assert.rejects(run(TEST_TEMPLATES.render('uname', {}), { target: unpinned }), { code: 'host_key_unknown' });
    const tofu = new SshExecutor({ trustOnFirstUse: true });
    const result = await tofu.run({ target: unpinned, command: TEST_TEMPLATES.render('uname', {}) });
    assert.equal(result.hostKeySha256, server.hostKeySha256);
    // Pins are accepted with or without prefix and padding.
    assert.equal(normalizeFingerprint(`${server.hostKeySha256.slice(7)}=`), server.hostKeySha256);
  });

  test('an unknown client key fails authentication without retry', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519');
    await assert.rejects(
      run(TEST_TEMPLATES.render('uname', {}), { target: { ...target, privateKey: stranger.private } }),
      {
        code: 'auth_failed',
        retryable: false,
      },
    );
  });

  test('an injection attempt is refused before anything runs and leaves no file on the host', async () => {
    // ≤ 15 characters so the legitimate name passes the iface type.
    const marker = `oi${process.pid}`;
    for (const name of [`x; touch /tmp/${marker}`, `$(touch /tmp/${marker})`, `x\ntouch /tmp/${marker}`])
      assert.throws(
        () => TEST_TEMPLATES.render('touch_in', { name }),
        (error: unknown) => error instanceof TemplateError && error.code === 'param_invalid',
      );
    const ok = await run(TEST_TEMPLATES.render('touch_in', { name: `${marker}ok` }));
    assert.equal(ok.exitCode, 0);
    assert.equal(existsSync(join('/tmp', `${marker}ok`)), true);
    assert.equal(existsSync(join('/tmp', marker)), false);
    spawnSync('rm', ['-f', join('/tmp', `${marker}ok`)]);
  });
});

describe('SshExecutor connection failures', () => {
  const command = TEST_TEMPLATES.render('uname', {});
  const target = (port: number): SshTarget => ({
    host: '127.0.0.1',
    port,
    username: 'root',
    password: 'x',
    hostKeySha256: 'SHA256:x',
  });

  test('a closed port is a retryable connect_failed', async () => {
    await assert.rejects(new SshExecutor().run({ target: target(await freePort()), command }), {
      code: 'connect_failed',
      retryable: true,
    });
  });

  test('a server that never speaks SSH is a retryable connect_timeout', async (t) => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      silent.close();
    });
    const { port } = silent.address() as { port: number };
    const started = Date.now();
    await assert.rejects(new SshExecutor({ connectTimeoutMs: 300 }).run({ target: target(port), command }), {
      code: 'connect_timeout',
      retryable: true,
    });
    assert.ok(Date.now() - started < 3_000);
  });
});

describe('SshExecutor password auth against an in-process ssh2 server', () => {
  test('logs in with the password, pins the key and runs the command behind the kill watcher', async (t) => {
    const hostKey = ssh2.utils.generateKeyPairSync('ed25519');
    const parsed = ssh2.utils.parseKey(hostKey.public);
    assert.ok(!(parsed instanceof Error));
    const received: string[] = [];
    const server = new ssh2.Server({ hostKeys: [hostKey.private] }, (client) => {
      client.on('authentication', (context) => {
        if (context.method === 'password' && context.username === 'admin' && context.password === 'correct horse')
          context.accept();
        else context.reject(['password']);
      });
      client.on('ready', () =>
        client.on('session', (accept) =>
          accept().once('exec', (acceptExec, _reject, info) => {
            received.push(info.command);
            const channel = acceptExec();
            channel.write('ok\n');
            channel.exit(0);
            channel.end();
          }),
        ),
      );
      client.on('error', () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      server.close();
    });
    const target: SshTarget = {
      host: '127.0.0.1',
      port: (server.address() as { port: number }).port,
      username: 'admin',
      password: 'correct horse',
      hostKeySha256: hostKeyFingerprint(parsed.getPublicSSH()),
    };
    const command = TEST_TEMPLATES.render('uname', {});
    const result = await new SshExecutor().run({ target, command });
    assert.deepEqual([result.outcome, result.exitCode, result.stdout], ['exited', 0, 'ok\n']);
    assert.deepEqual(received, [KILL_ON_STDIN_EOF + command.command]);
    await assert.rejects(new SshExecutor().run({ target: { ...target, password: 'wrong' }, command }), {
      code: 'auth_failed',
    });
  });
});
