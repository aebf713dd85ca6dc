import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  assertAnonymousRefused,
  assertCrossUserRefused,
  baseUrl,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { type S3Peer, startS3Peer } from '../testing/s3-peer.ts';
import { transferEngineOf } from './transfer.job.ts';

const API = '/odh-tec/api';
const MiB = 1024 * 1024;
const TERMINAL = ['completed', 'failed', 'cancelled'];

describeEachEngine('odh-tec transfers', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let a: S3Peer;
  let b: S3Peer;
  let owner: TestUser;
  let stranger: TestUser;
  let localRoot: string;

  const s3 = (locationId: string, path: string) => ({ type: 's3', locationId, path });
  const copy = (payload: Record<string, unknown>, user = owner) =>
    platform.app.inject({ method: 'POST', url: `${API}/transfers`, payload, headers: user.headers });
  const job = async (id: string) =>
    (await platform.app.inject({ url: `${API}/transfers/${id}`, headers: owner.headers })).json();
  /** Polls the job until it ends; a liveness bound, not a timing assertion. */
  const settle = async (id: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = await job(id);
      if (TERMINAL.includes(view.status)) return view;
      assert.ok(Date.now() < deadline, `transfer ${id} still ${view.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const body = async (peer: S3Peer, key: string) => {
    const object = await peer.client.send(new GetObjectCommand({ Bucket: 'models', Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };

  before(async () => {
    localRoot = mkdtempSync(join(tmpdir(), 'odh-tec-transfer-local-'));
    a = await startS3Peer();
    b = await startS3Peer();
    platform = await buildTestApp({
      apps: [odhTecApp],
      databaseUrl: await newDatabaseUrl(),
      listen: true,
      startBackground: true,
      env: {
        ODH_TEC_COPY_OBJECT_MAX_BYTES: String(5 * MiB),
        MAX_CONCURRENT_TRANSFERS: '2',
        LOCAL_STORAGE_PATHS: localRoot,
      },
    });
    owner = await platform.createUser('mover');
    stranger = await platform.createUser('stranger');
    for (const [id, peer] of [
      ['a', a],
      ['b', b],
    ] as const) {
      const created = await platform.app.inject({
        method: 'POST',
        url: `${API}/settings/connections`,
        payload: peer.connection(id),
        headers: owner.headers,
      });
      assert.equal(created.statusCode, 201, created.body);
    }
  });
  after(async () => {
    await platform.close();
    await a.close();
    await b.close();
    rmSync(localRoot, { recursive: true, force: true });
  });

  test('S3 → local → S3: a folder lands in the local root (rename on conflict) and copies back', async () => {
    await a.put('models', 'tolocal/a.txt', 'A');
    await a.put('models', 'tolocal/deep/b.txt', 'B');
    mkdirSync(join(localRoot, 'in'), { recursive: true });
    writeFileSync(join(localRoot, 'in', 'a.txt'), 'old');
    const down = await copy({
      source: s3('a', 'models/tolocal'),
      destination: { type: 'local', locationId: 'local-0', path: 'in' },
      files: ['a.txt', 'deep/'],
      conflictResolution: 'rename',
    });
    assert.equal(down.statusCode, 202, down.body);
    assert.equal((await settle(down.json().jobId)).status, 'completed');
    assert.equal(readFileSync(join(localRoot, 'in', 'a.txt'), 'utf8'), 'old');
    assert.equal(readFileSync(join(localRoot, 'in', 'a-1.txt'), 'utf8'), 'A');
    assert.equal(readFileSync(join(localRoot, 'in', 'deep', 'b.txt'), 'utf8'), 'B');
    const up = await copy({
      source: { type: 'local', locationId: 'local-0', path: 'in' },
      destination: s3('b', 'models/fromlocal'),
      files: ['deep/'],
    });
    assert.equal((await settle(up.json().jobId)).status, 'completed');
    assert.equal((await body(b, 'fromlocal/deep/b.txt')).toString(), 'B');
  });

  test('a folder copy inside one endpoint is server-side; large objects go by UploadPartCopy (acceptance 14)', async () => {
    const big = randomBytes(12 * MiB);
    await a.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'src/big.bin', Body: big }));
    await a.put('models', 'src/sub/été 日本.txt', 'unicode');
    await a.put('models', 'src/.s3keep', '');
    const from = a.server.stats.requestLog.length;
    const response = await copy({
      source: s3('a', 'models/src'),
      destination: s3('a', 'models/dst'),
      files: ['big.bin', 'sub/'],
    });
    assert.equal(response.statusCode, 202, response.body);
    const { jobId, sseUrl } = response.json();
    assert.equal(sseUrl, `/odh-tec/api/transfers/${jobId}/events`);
    const view = await settle(jobId);
    assert.equal(view.status, 'completed', JSON.stringify(view));
    assert.deepEqual(
      view.files.map((f: { path: string }) => f.path),
      ['dst/big.bin', 'dst/sub/été 日本.txt'],
    );
    assert.deepEqual(await body(a, 'dst/big.bin'), big);
    assert.equal((await body(a, 'dst/sub/été 日本.txt')).toString(), 'unicode');
    const ops = a.server.stats.requestLog.slice(from).map((entry) => entry.op);
    assert.equal(ops.filter((op) => op === 'UploadPartCopy').length, 2);
    assert.equal(ops.filter((op) => op === 'CopyObject').length, 1);
    assert.ok(!ops.includes('PutObject') && !ops.includes('UploadPart'));
  });

  test('a cross-endpoint copy streams, records SHA-256 and applies skip, rename and overwrite', async () => {
    await a.put('models', 'x/a.txt', 'new a');
    await a.put('models', 'x/c.txt', 'new c');
    await b.put('models', 'y/a.txt', 'old a');
    await b.put('models', 'y/a-1.txt', 'old a-1');
    const run = async (conflictResolution: string) => {
      const response = await copy({
        source: s3('a', 'models/x'),
        destination: s3('b', 'models/y'),
        files: ['a.txt', 'c.txt'],
        conflictResolution,
      });
      assert.equal(response.statusCode, 202, response.body);
      return settle(response.json().jobId);
    };
    const skipped = await run('skip');
    assert.equal(skipped.status, 'completed');
    assert.deepEqual(
      skipped.files.map((f: { status: string }) => f.status),
      ['skipped', 'completed'],
    );
    assert.equal((await body(b, 'y/a.txt')).toString(), 'old a');
    const renamed = await run('rename');
    assert.deepEqual(
      renamed.files.map((f: { path: string }) => f.path),
      ['y/a-2.txt', 'y/c-1.txt'],
    );
    assert.equal((await body(b, 'y/a-2.txt')).toString(), 'new a');
    await run('overwrite');
    assert.equal((await body(b, 'y/a.txt')).toString(), 'new a');
    const head = await b.client.send(new HeadObjectCommand({ Bucket: 'models', Key: 'y/c.txt' }));
    assert.equal(head.Metadata?.sha256, createHash('sha256').update('new c').digest('hex'));
    const conflicts = await platform.app.inject({
      method: 'POST',
      url: `${API}/transfer/check-conflicts`,
      payload: { destination: s3('b', 'models/y'), files: ['a.txt', 'zzz.txt'] },
      headers: owner.headers,
    });
    assert.equal(conflicts.statusCode, 200, conflicts.body);
    assert.deepEqual(conflicts.json().conflicts, ['a.txt']);
  });

  test('cancel stops the job, the SSE stream ends with done/cancelled, and cleanup deletes only what it wrote', async () => {
    for (let k = 0; k < 12; k++) await a.put('models', `slow/f${k}.txt`, `file ${k}`);
    await b.put('models', 'slow-dst/f0.txt', 'pre-existing');
    b.server.setSwitches({ latencyMs: 150 });
    try {
      const response = await copy({
        source: s3('a', 'models/slow'),
        destination: s3('b', 'models/slow-dst'),
        files: Array.from({ length: 12 }, (_, k) => `f${k}.txt`),
      });
      assert.equal(response.statusCode, 202, response.body);
      const { jobId, sseUrl } = response.json();
      const events = fetch(`${baseUrl(platform)}${sseUrl}`, { headers: owner.headers }).then((r) => r.text());
      for (;;) {
        const view = await job(jobId);
        if (view.progress.completedFiles + view.progress.skippedFiles >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const cancelled = await platform.app.inject({
        method: 'DELETE',
        url: `${API}/transfers/${jobId}`,
        headers: owner.headers,
      });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      const view = await settle(jobId);
      assert.equal(view.status, 'cancelled');
      const text = await events;
      const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      assert.equal(types[0], 'progress');
      assert.ok(types.includes('file'));
      assert.equal(types.at(-1), 'done');
      assert.equal(types.filter((t) => t === 'done' || t === 'error').length, 1);
      assert.match(text, /^id: \d+$/m);
      const ended = JSON.parse([...text.matchAll(/^data: (.*)$/gm)].at(-1)![1]);
      assert.equal(ended.status, 'cancelled');
      b.server.setSwitches({ latencyMs: 0 });
      const written = view.files
        .filter((f: { status: string }) => f.status === 'completed')
        .map((f: { path: string }) => f.path);
      const cleanup = await platform.app.inject({
        method: 'POST',
        url: `${API}/transfer/${jobId}/cleanup`,
        headers: owner.headers,
      });
      assert.equal(cleanup.statusCode, 200, cleanup.body);
      assert.deepEqual(
        cleanup.json().deleted.sort(),
        written.filter((path: string) => path !== 'slow-dst/f0.txt').sort(),
      );
      // f0 existed before: overwritten by the copy, but never deleted by the cleanup.
      assert.equal((await body(b, 'slow-dst/f0.txt')).toString(), 'file 0');
      const again = await platform.app.inject({
        method: 'DELETE',
        url: `${API}/transfers/${jobId}`,
        headers: owner.headers,
      });
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().error.code, 'invalid_transfer_state');
      const resumed = await platform.app.inject({
        method: 'POST',
        url: `${API}/transfers/${jobId}/resume`,
        headers: owner.headers,
      });
      assert.equal(resumed.statusCode, 202, resumed.body);
      const finished = await settle(jobId);
      assert.equal(finished.status, 'completed', JSON.stringify(finished.files));
    } finally {
      b.server.setSwitches({ latencyMs: 0 });
    }
  });

  test('concurrency follows maxConcurrentTransfers, also when raised mid-job; SSE replays after Last-Event-ID (acceptance 7, 13)', async () => {
    for (let k = 0; k < 10; k++) await a.put('models', `many/f${k}.txt`, `file ${k}`);
    const engine = transferEngineOf(platform.kernel);
    const admin = await platform.createUser('settings-admin', ['admin']);
    const limit = (value: number) =>
      platform.app.inject({
        method: 'PATCH',
        url: `${API}/settings`,
        payload: { maxConcurrentTransfers: value },
        headers: admin.headers,
      });
    assert.equal((await limit(2)).statusCode, 200);
    b.server.setSwitches({ latencyMs: 300 });
    b.server.stats.peakKeysWriting = 0;
    try {
      const response = await copy({
        source: s3('a', 'models/many'),
        destination: s3('b', 'models/many-dst'),
        files: Array.from({ length: 10 }, (_, k) => `f${k}.txt`),
      });
      const { jobId, sseUrl } = response.json();
      let peak = 0;
      const watch = async (until: () => boolean) => {
        const deadline = Date.now() + 20_000;
        while (!until() && Date.now() < deadline) {
          peak = Math.max(peak, engine.scheduler.used);
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      };
      await watch(() => engine.scheduler.used === 2);
      await new Promise((resolve) => setTimeout(resolve, 400));
      peak = Math.max(peak, engine.scheduler.used);
      assert.equal(peak, 2);
      assert.ok(b.server.stats.peakKeysWriting <= 2, `peak writes ${b.server.stats.peakKeysWriting}`);
      assert.equal((await limit(4)).statusCode, 200);
      await watch(() => engine.scheduler.used === 4);
      assert.equal(engine.scheduler.used, 4, 'the raised limit is used at once');
      const view = await settle(jobId);
      assert.equal(view.status, 'completed');
      // A reconnect after the end gets the snapshot again and only the events after its Last-Event-ID.
      const first = await fetch(`${baseUrl(platform)}${sseUrl}`, { headers: owner.headers }).then((r) => r.text());
      const ids = [...first.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      const middle = ids[Math.floor(ids.length / 2)];
      const again = await fetch(`${baseUrl(platform)}${sseUrl}`, {
        headers: { ...owner.headers, 'last-event-id': String(middle) },
      }).then((r) => r.text());
      const replayed = [...again.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      assert.equal(replayed[0], 'progress');
      assert.equal(replayed.at(-1), 'done');
      assert.ok([...again.matchAll(/^id: (\d+)$/gm)].every((m) => Number(m[1]) >= middle));
      assert.ok(replayed.length < [...first.matchAll(/^event: /gm)].length);
    } finally {
      b.server.setSwitches({ latencyMs: 0 });
      await limit(2);
    }
  });

  test('the upstream progress alias sends data-only JSON in the 2.1 shape and "Job not found" for unknown jobs', async () => {
    await a.put('models', 'alias/one.txt', 'one');
    const response = await copy({
      source: s3('a', 'models/alias'),
      destination: s3('b', 'models/alias-dst'),
      files: ['one.txt'],
    });
    const { jobId } = response.json();
    await settle(jobId);
    const text = await fetch(`${baseUrl(platform)}${API}/transfer/progress/${jobId}`, { headers: owner.headers }).then(
      (r) => r.text(),
    );
    assert.doesNotMatch(text, /^event:/m);
    const last = JSON.parse([...text.matchAll(/^data: (.*)$/gm)].at(-1)![1]);
    assert.equal(last.jobId, jobId);
    assert.equal(last.status, 'completed');
    assert.deepEqual(Object.keys(last.progress).sort(), [
      'completedFiles',
      'failedFiles',
      'loadedBytes',
      'percentage',
      'totalBytes',
      'totalFiles',
    ]);
    assert.deepEqual(last.files, [{ file: 's3:models/alias-dst/one.txt', loaded: 3, total: 3, status: 'completed' }]);
    for (const [user, id] of [
      [owner, '00000000-0000-4000-8000-000000000000'],
      [stranger, jobId],
    ] as const) {
      const unknown = await fetch(`${baseUrl(platform)}${API}/transfer/progress/${id}`, { headers: user.headers }).then(
        (r) => r.text(),
      );
      assert.match(unknown, /^data: \{"error":"Job not found"\}$/m);
    }
  });

  test('bad requests are 4xx with the error shape; other users cannot see or cancel a job', async () => {
    const missing = await copy({
      source: s3('a', 'models/none'),
      destination: s3('b', 'models/z'),
      files: ['nope.txt'],
    });
    assert.equal(missing.statusCode, 404, missing.body);
    assert.equal(missing.json().error.code, 'object_not_found');
    const climbing = await copy({ source: s3('a', 'models/x'), destination: s3('b', 'models/z'), files: ['../a.txt'] });
    assert.equal(climbing.statusCode, 400);
    const foreign = await copy(
      { source: s3('a', 'models/x'), destination: s3('b', 'models/z'), files: ['a.txt'] },
      stranger,
    );
    assert.equal(foreign.statusCode, 404, foreign.body);
    assert.equal(foreign.json().error.code, 'location_not_found');
    const mine = await copy({ source: s3('a', 'models/x'), destination: s3('b', 'models/z'), files: ['a.txt'] });
    const { jobId } = mine.json();
    await settle(jobId);
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${API}/transfers/${jobId}` },
      attempts: [
        { method: 'DELETE', url: `${API}/transfers/${jobId}` },
        { method: 'POST', url: `${API}/transfers/${jobId}/resume` },
        { method: 'POST', url: `${API}/transfers/${jobId}/cleanup` },
        { method: 'GET', url: `${API}/transfers/${jobId}/events` },
      ],
    });
    const list = await platform.app.inject({ url: `${API}/transfers`, headers: stranger.headers });
    assert.deepEqual(list.json().transfers, []);
    await assertAnonymousRefused(platform, `${API}/transfer`);
  });
});
