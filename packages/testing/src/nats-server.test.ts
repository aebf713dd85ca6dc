import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import { NATS_SERVER_MISSING, natsTier, natsTierSkipReason, startNatsServer } from './nats-server.ts';

function tcpReachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('starts nats-server with JetStream on a loopback port and removes everything on stop', async (t) => {
  const tier = await natsTier(t);
  if (!tier) return;
  assert.match(tier.url, /^nats:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(await tcpReachable(tier.url), true);
  const varz = (await (await fetch(`${tier.monitorUrl}/varz`)).json()) as { port: number; jetstream?: object };
  assert.equal(varz.port, Number(new URL(tier.url).port));
  const jsz = (await (await fetch(`${tier.monitorUrl}/jsz`)).json()) as { config?: { store_dir?: string } };
  assert.ok(jsz.config?.store_dir?.startsWith(tier.storeDir), 'JetStream stores below the temporary directory');

  await tier.stop();
  await tier.stop();
  assert.equal(await tcpReachable(tier.url), false);
  assert.equal(existsSync(tier.storeDir), false);
});

test('two servers run side by side on different ports', async (t) => {
  if (natsTierSkipReason()) {
    t.skip(NATS_SERVER_MISSING);
    return;
  }
  const [first, second] = await Promise.all([startNatsServer(), startNatsServer()]);
  t.after(() => Promise.all([first.stop(), second.stop()]));
  assert.notEqual(first.url, second.url);
  assert.equal(await tcpReachable(first.url), true);
  assert.equal(await tcpReachable(second.url), true);
});

test('a missing binary skips loudly outside CI and fails in CI', (t) => {
  const previousCi = process.env.CI;
  t.after(() => {
    if (previousCi === undefined) delete process.env.CI;
    else process.env.CI = previousCi;
  });
  const warnings: unknown[] = [];
  t.mock.method(console, 'warn', (message: unknown) => warnings.push(message));

  process.env.CI = 'false';
  assert.equal(
    natsTierSkipReason(() => undefined),
    NATS_SERVER_MISSING,
  );
  assert.deepEqual(warnings, [NATS_SERVER_MISSING]);

  process.env.CI = 'true';
  assert.throws(() => natsTierSkipReason(() => undefined), /install the Debian package nats-server/);
  assert.equal(
    natsTierSkipReason(() => '/usr/sbin/nats-server'),
    undefined,
  );
});
