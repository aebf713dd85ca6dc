// The process as a user runs it: first start on an empty data folder, the one-time admin link, restarts.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort } from '@platform/testing/build-test-app.ts';
import { isCi, repoRoot } from '@platform/testing/shared-data.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'platform-server-'));
const running = new Set<ChildProcess>();
after(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts `node packages/kernel/src/server.ts` and resolves once /healthz answers, with everything it printed. */
async function startServer(port: number): Promise<{ child: ChildProcess; output: () => string; base: string }> {
  const child = spawn(process.execPath, [join(repoRoot, 'packages/kernel/src/server.ts')], {
    cwd: repoRoot,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '', NATS_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let printed = '';
  child.stdout!.on('data', (chunk) => {
    printed += chunk;
  });
  child.stderr!.on('data', (chunk) => {
    printed += chunk;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  // "platform ready" is logged after listening and after the first-start link is printed.
  while (!printed.includes('platform ready')) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${printed}`);
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${printed}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => printed, base };
}

const stop = (child: ChildProcess, signal: NodeJS.Signals) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });

test('first start prints a one-time admin link that works once; data survives a restart and a SIGKILL', {
  timeout: 180_000,
}, async () => {
  const port = await freePort();
  const first = await startServer(port);
  const link = /(http:\/\/localhost:\d+\/login#one-time=[A-Za-z0-9_-]+)/.exec(first.output())?.[1];
  assert.ok(link, `no one-time link printed:\n${first.output()}`);
  assert.ok(existsSync(join(dataDir, 'pglite')), 'embedded database lives in DATA_DIR');
  assert.ok(existsSync(join(dataDir, 'secret-keys')), 'secret keys were generated into DATA_DIR');

  const secret = new URL(link).hash.replace('#one-time=', '');
  const redeem = () =>
    fetch(`${first.base}/auth/one-time`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: secret }),
    });
  const signedIn = await redeem();
  assert.equal(signedIn.status, 200);
  const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal((await redeem()).status, 401, 'the link works only once');

  const portal = await fetch(`${first.base}/`, { headers: { accept: 'text/html' } });
  const portalBuilt = existsSync(join(repoRoot, 'packages/web/dist/index.html'));
  if (portalBuilt || isCi()) {
    assert.equal(portal.status, 200);
    assert.match(await portal.text(), /platform-base-path/);
  }

  const created = await fetch(`${first.base}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'survivor', scopes: ['platform:jobs:read'] }),
  });
  assert.equal(created.status, 201);
  const { token } = (await created.json()) as { token: string };
  assert.equal(await stop(first.child, 'SIGTERM'), 0, 'graceful shutdown exits 0');

  const second = await startServer(port);
  assert.ok(!/one-time=/.test(second.output()), 'no new link once an account exists');
  assert.equal(
    (await fetch(`${second.base}/auth/me`, { headers: { cookie } })).status,
    200,
    'the session survived the restart',
  );
  await fetch(`${second.base}/auth/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({ name: 'after-restart', scopes: ['platform:jobs:read'] }),
  });
  await stop(second.child, 'SIGKILL');

  const third = await startServer(port);
  const tokens = (await (await fetch(`${third.base}/auth/tokens`, { headers: { cookie } })).json()) as {
    items: { name: string }[];
  };
  assert.deepEqual(
    tokens.items.map((item) => item.name).sort(),
    ['after-restart', 'survivor'],
    'committed writes survive a SIGKILL',
  );
  assert.equal(
    (await fetch(`${third.base}/platform/api/jobs`, { headers: { authorization: `Bearer ${token}` } })).status,
    200,
  );
  await stop(third.child, 'SIGTERM');
});
