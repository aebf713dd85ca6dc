import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { OPENSSH_SERVER_MISSING, opensshTier, opensshTierSkipReason } from './openssh-server.ts';

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('starts sshd on a loopback port with throwaway keys and removes everything on stop', async (t) => {
  const server = await opensshTier(t);
  if (!server) return;
  assert.equal(await accepts(server.port), true);
  assert.match(server.hostKeySha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.match(server.clientPrivateKey, /^-----BEGIN OPENSSH PRIVATE KEY-----/);
  const config = readFileSync(join(server.dir, 'sshd_config'), 'utf8');
  for (const line of [
    'ListenAddress 127.0.0.1',
    `Port ${server.port}`,
    'PasswordAuthentication no',
    'UsePAM no',
    'StrictModes no',
  ])
    assert.ok(config.split('\n').includes(line), line);

  await server.stop();
  await server.stop();
  // Not "the port refuses": with tests running in parallel another server may take the freed port at once.
  assert.throws(() => process.kill(server.pid, 0), { code: 'ESRCH' });
  assert.equal(existsSync(server.dir), false);
});

test('missing OpenSSH skips loudly outside CI and fails in CI naming the package', (t) => {
  const previousCi = process.env.CI;
  t.after(() => {
    if (previousCi === undefined) delete process.env.CI;
    else process.env.CI = previousCi;
  });
  const warnings: unknown[] = [];
  t.mock.method(console, 'warn', (message: unknown) => warnings.push(message));

  process.env.CI = 'false';
  assert.equal(
    opensshTierSkipReason(() => undefined),
    OPENSSH_SERVER_MISSING,
  );
  assert.deepEqual(warnings, [OPENSSH_SERVER_MISSING]);
  process.env.CI = 'true';
  assert.throws(() => opensshTierSkipReason(() => undefined), /openssh-server/);
  assert.equal(
    opensshTierSkipReason(() => '/usr/sbin/sshd'),
    undefined,
  );
});
