import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { generateKey } from '@platform/kernel/crypto/fernet.ts';
import { buildTestApp, postgresTier, sharedData, type TestPlatform } from '@platform/testing';
import { startFakeHub } from '../../testing/fake-hf-server.ts';
import { odhTecApp } from '../odh-tec.app.ts';
import { addPeerConnection, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';
const TINY = 'odh-tec-fixtures/tiny-llama-like';

/**
 * Acceptance 12: a worker stopped mid-import leaves the job `interrupted`; the next worker on the same database picks it
 * up by itself and finishes it without downloading the files that were already complete.
 */
test('an import interrupted by a stopping worker resumes on the next one, skipping finished files', async (t) => {
  const dir = sharedData(t, 'odh-tec', 'hf');
  if (!dir) return;
  const platforms: TestPlatform[] = [];
  const closers: (() => Promise<void>)[] = [];
  // Registered before the PostgreSQL tier's own stop: after hooks run in order, and the workers, then the fakes,
  // must be gone before the server terminates their connections.
  t.after(async () => {
    for (const platform of platforms) await platform.close().catch(() => {});
    for (const close of closers) await close();
  });
  const postgres = await postgresTier(t);
  if (!postgres) return;
  const databaseUrl = await postgres.createDatabase();
  const peer = await startS3Peer();
  const hub = await startFakeHub({
    repos: JSON.parse(readFileSync(join(dir, 'fake-repos.json'), 'utf8')),
    switches: { latencyMs: 150 },
  });
  closers.push(
    () => hub.close(),
    () => peer.close(),
  );
  const env = { HF_ENDPOINT: hub.endpoint, PLATFORM_SECRET_KEYS: generateKey(), MAX_CONCURRENT_TRANSFERS: '1' };
  const start = async () => {
    const platform = await buildTestApp({ apps: [odhTecApp], databaseUrl, env, startBackground: true });
    platforms.push(platform);
    return platform;
  };
  const view = async (platform: TestPlatform, id: string, headers: Record<string, string>) =>
    (await platform.app.inject({ url: `${API}/transfers/${id}`, headers })).json();

  const first = await start();
  const owner = await first.createUser('resumer');
  await addPeerConnection(first, owner, peer);
  const started = await first.app.inject({
    method: 'POST',
    url: `${API}/objects/import-hf`,
    payload: {
      modelId: TINY,
      destination: { locationId: 'peer', bucket: 'models' },
      exclude: ['*.gguf', 'original/**'],
    },
    headers: owner.headers,
  });
  assert.equal(started.statusCode, 202, started.body);
  const { jobId } = started.json();
  let deadline = Date.now() + 60_000;
  for (;;) {
    const current = await view(first, jobId, owner.headers);
    if (current.progress.completedFiles >= 2) break;
    assert.ok(Date.now() < deadline && current.status !== 'completed', `import ${current.status} before the stop`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await first.close();
  platforms.splice(platforms.indexOf(first), 1);

  const second = await start();
  const stopped = await view(second, jobId, owner.headers);
  assert.ok(['interrupted', 'queued', 'active'].includes(stopped.status), stopped.status);
  const finishedBefore = stopped.files.filter((f: { status: string }) => f.status === 'completed');
  assert.ok(finishedBefore.length >= 2);
  const logFrom = hub.log.length;
  deadline = Date.now() + 60_000;
  let ended = stopped;
  while (!['completed', 'failed', 'cancelled'].includes(ended.status)) {
    assert.ok(Date.now() < deadline, `resumed import still ${ended.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    ended = await view(second, jobId, owner.headers);
  }
  assert.equal(ended.status, 'completed', JSON.stringify(ended.files));
  // The kernel records the job's own end just after the transfer's: let it commit before the workers close.
  while ((await second.kernel.jobs.get(jobId))?.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const fetchedAgain = hub.log
    .slice(logFrom)
    .filter((entry) => entry.method === 'GET' && entry.path.includes('/resolve/'))
    .map((entry) => decodeURIComponent(entry.path.split('/').slice(6).join('/')));
  for (const file of finishedBefore) {
    assert.ok(!fetchedAgain.includes(file.source), `${file.source} was downloaded again`);
  }
  assert.ok(fetchedAgain.length > 0, 'the rest was downloaded by the second worker');
});
