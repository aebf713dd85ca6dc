import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
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
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';
const MiB = 1024 * 1024;
const TERMINAL = ['completed', 'failed', 'cancelled'];

const encode = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');
const sha256Of = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the upload routes answer: the success fields, or the error shape. */
type UploadReply = {
  message: string;
  jobId: string;
  location: string;
  bucket: string;
  key: string;
  size: number;
  etag: string;
  sha256: string;
  error: { code: string };
};
const json = async (response: Response): Promise<UploadReply> => (await response.json()) as UploadReply;

/** A multipart body: the fields first, then the file part (or several, to test refusals). */
function formOf(files: Uint8Array[], fields: Record<string, string> = {}, fileName = 'data.bin'): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const data of files) form.append('file', new Blob([data]), fileName);
  return form;
}

describeEachEngine('odh-tec uploads', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  let stranger: TestUser;

  /** Posts a form over real HTTP; the body is sent in chunks, so cancels and disconnects happen mid-stream. */
  const upload = (path: string, form: FormData, user = owner, signal?: AbortSignal) =>
    fetch(`${baseUrl(platform)}${API}/objects/upload/${path}`, {
      method: 'POST',
      body: form,
      headers: user.headers,
      signal,
    });
  const job = async (id: string, user = owner) =>
    platform.app.inject({ url: `${API}/transfers/${id}`, headers: user.headers });
  /** The user's newest upload transfer, once it exists (a liveness bound, not a timing assertion). */
  const newestUpload = async (fileName: string): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const list = await platform.app.inject({ url: `${API}/transfers?kind=upload`, headers: owner.headers });
      const found = list
        .json()
        .transfers.find((t: { jobId: string; source?: { fileName?: string } }) => t.source?.fileName === fileName);
      if (found) return found.jobId;
      assert.ok(Date.now() < deadline, `no upload of ${fileName} started`);
      await pause(20);
    }
  };
  const settle = async (id: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = (await job(id)).json();
      if (TERMINAL.includes(view.status)) return view;
      assert.ok(Date.now() < deadline, `upload ${id} still ${view.status}`);
      await pause(50);
    }
  };
  const stored = async (key: string) => {
    const object = await peer.client.send(new GetObjectCommand({ Bucket: 'models', Key: key }));
    return Buffer.from(await object.Body!.transformToByteArray());
  };
  const exists = async (key: string) =>
    peer.client.send(new HeadObjectCommand({ Bucket: 'models', Key: key })).then(
      () => true,
      () => false,
    );
  const pendingMultipart = async (key: string) =>
    (await peer.client.send(new ListMultipartUploadsCommand({ Bucket: 'models', Prefix: key }))).Uploads ?? [];

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({
      apps: [odhTecApp],
      databaseUrl: await newDatabaseUrl(),
      listen: true,
      startBackground: true,
      // 30 MiB cap: big enough for the 20 MiB upload, small enough to test the refusal.
      env: { MAX_CONCURRENT_TRANSFERS: '4', MAX_FILE_SIZE_GB: String(30 / 1024) },
    });
    owner = await platform.createUser('uploader');
    stranger = await platform.createUser('stranger');
    await addPeerConnection(platform, owner, peer, 'p');
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('20 MiB through the form route: SHA-256 kept, x-amz-meta-sha256 set, 8 MiB parts (acceptance 4)', async () => {
    const data = randomBytes(20 * MiB);
    const from = peer.server.stats.requestLog.length;
    const response = await upload(
      `models?location=p&key=${encode('big/data.bin')}`,
      formOf([data], { size: String(data.length) }),
    );
    const body = await json(response);
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.message, 'Object uploaded successfully');
    assert.deepEqual(
      { location: body.location, bucket: body.bucket, key: body.key, size: body.size, sha256: body.sha256 },
      { location: 'p', bucket: 'models', key: 'big/data.bin', size: data.length, sha256: sha256Of(data) },
    );
    assert.ok(body.etag);
    assert.equal(sha256Of(await stored('big/data.bin')), sha256Of(data));
    const head = await peer.client.send(new HeadObjectCommand({ Bucket: 'models', Key: 'big/data.bin' }));
    assert.equal(head.Metadata?.sha256, sha256Of(data));
    const ops = peer.server.stats.requestLog.slice(from).map((entry) => entry.op);
    assert.equal(ops.filter((op) => op === 'UploadPart').length, Math.ceil(20 / 8));
    assert.ok(!ops.includes('PutObject'));
    const view = (await job(body.jobId)).json();
    assert.equal(view.kind, 'upload');
    assert.equal(view.status, 'completed');
    assert.deepEqual(
      view.files.map((f: { path: string; status: string; loaded: number }) => [f.path, f.status, f.loaded]),
      [['big/data.bin', 'completed', data.length]],
    );
  });

  test('Unicode keys: the v2.1.1 route, prefix + relativePath, and a small file in one PutObject', async () => {
    const key = "dir/Capture d'écran 日本.txt";
    const from = peer.server.stats.requestLog.length;
    const direct = await upload(`models/${encode(key)}?location=p`, formOf([Buffer.from('bonjour 日本')]));
    assert.equal(direct.status, 200, await direct.clone().text());
    assert.equal((await json(direct)).key, key);
    assert.equal((await stored(key)).toString(), 'bonjour 日本');
    const ops = peer.server.stats.requestLog.slice(from).map((entry) => entry.op);
    assert.ok(ops.includes('PutObject') && !ops.includes('UploadPart'), ops.join());
    // No size given: the hash is recorded after the write.
    const head = await peer.client.send(new HeadObjectCommand({ Bucket: 'models', Key: key }));
    assert.equal(head.Metadata?.sha256, sha256Of('bonjour 日本'));

    // A declared size ≤ 5 MiB: one PutObject that already carries the hash (no metadata rewrite afterwards).
    const sizedFrom = peer.server.stats.requestLog.length;
    const sized = await upload(`models/${encode('dir/sized.txt')}?location=p&size=5`, formOf([Buffer.from('sized')]));
    assert.equal(sized.status, 200, await sized.clone().text());
    const sizedOps = peer.server.stats.requestLog.slice(sizedFrom).map((entry) => entry.op);
    assert.deepEqual(sizedOps, ['PutObject']);
    const sizedHead = await peer.client.send(new HeadObjectCommand({ Bucket: 'models', Key: 'dir/sized.txt' }));
    assert.equal(sizedHead.Metadata?.sha256, sha256Of('sized'));

    const nested = await upload(
      `models?location=p&prefix=${encode('été')}`,
      formOf([Buffer.from('x')], { relativePath: 'dossier/ü.txt' }),
    );
    assert.equal(nested.status, 200, await nested.clone().text());
    assert.equal((await json(nested)).key, 'été/dossier/ü.txt');
    const top = await upload('models?location=p&prefix=there_is_no_prefix', formOf([Buffer.from('y')], {}, 'ß.txt'));
    assert.equal((await json(top)).key, 'ß.txt');
  });

  test('a wrong sha256 answers 422 checksum_mismatch and leaves no object', async () => {
    const data = randomBytes(6 * MiB);
    const response = await upload(
      `models?location=p&key=${encode('bad/sum.bin')}`,
      formOf([data], { sha256: sha256Of('something else') }),
    );
    assert.equal(response.status, 422);
    const body = await json(response);
    assert.equal(body.error.code, 'checksum_mismatch');
    assert.equal(await exists('bad/sum.bin'), false);
    assert.deepEqual(await pendingMultipart('bad/sum.bin'), []);
    const small = await upload(
      `models?location=p&key=${encode('bad/small.txt')}&sha256=${sha256Of('other')}&size=5`,
      formOf([Buffer.from('small')]),
    );
    assert.equal(small.status, 422);
    assert.equal(await exists('bad/small.txt'), false);
    const right = await upload(
      `models?location=p&key=${encode('good/sum.bin')}`,
      formOf([data], { sha256: sha256Of(data), size: String(data.length) }),
    );
    assert.equal(right.status, 200, await right.clone().text());
    const head = await peer.client.send(new HeadObjectCommand({ Bucket: 'models', Key: 'good/sum.bin' }));
    assert.equal(head.Metadata?.sha256, sha256Of(data));
  });

  test('per-upload cancel: A is aborted (499, no multipart left, SSE done/cancelled) while B completes (acceptance 5)', async () => {
    const dataA = randomBytes(20 * MiB);
    const dataB = randomBytes(12 * MiB);
    peer.server.setSwitches({ latencyMs: 100 });
    try {
      const responseA = upload(`models?location=p&key=${encode('race/a.bin')}`, formOf([dataA], {}, 'a.bin')).then(
        (response) => response.status,
        () => 'closed',
      );
      const responseB = upload(`models?location=p&key=${encode('race/b.bin')}`, formOf([dataB], {}, 'b.bin'));
      const idA = await newestUpload('a.bin');
      const events = fetch(`${baseUrl(platform)}${API}/transfers/${idA}/events`, { headers: owner.headers }).then((r) =>
        r.text(),
      );
      const foreign = await platform.app.inject({
        method: 'DELETE',
        url: `${API}/transfers/${idA}`,
        headers: stranger.headers,
      });
      assert.equal(foreign.statusCode, 404);
      const cancelled = await platform.app.inject({
        method: 'DELETE',
        url: `${API}/transfers/${idA}`,
        headers: owner.headers,
      });
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      const statusA = await responseA;
      assert.ok(statusA === 499 || statusA === 'closed', `A answered ${statusA}`);
      const viewA = await settle(idA);
      assert.equal(viewA.status, 'cancelled');
      assert.equal(viewA.files[0].status, 'cancelled');
      const text = await events;
      const types = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
      assert.equal(types.at(-1), 'done');
      assert.equal(JSON.parse([...text.matchAll(/^data: (.*)$/gm)].at(-1)![1]).status, 'cancelled');
      const bodyB = await json(await responseB);
      assert.equal(bodyB.message, 'Object uploaded successfully', JSON.stringify(bodyB));
      assert.equal(sha256Of(await stored('race/b.bin')), sha256Of(dataB));
      // lib-storage sends AbortMultipartUpload once its in-flight parts settle.
      const deadline = Date.now() + 10_000;
      while ((await pendingMultipart('race/a.bin')).length) {
        assert.ok(Date.now() < deadline, 'the multipart upload of A was not aborted');
        await pause(50);
      }
      assert.equal(await exists('race/a.bin'), false);
    } finally {
      peer.server.setSwitches({ latencyMs: 0 });
    }
  });

  test('a client that goes away cancels its upload', async () => {
    peer.server.setSwitches({ latencyMs: 100 });
    try {
      const client = new AbortController();
      const sent = upload(
        `models?location=p&key=${encode('gone/x.bin')}`,
        formOf([randomBytes(20 * MiB)], {}, 'gone.bin'),
        owner,
        client.signal,
      ).catch(() => 'closed');
      const id = await newestUpload('gone.bin');
      client.abort();
      assert.equal(await sent, 'closed');
      assert.equal((await settle(id)).status, 'cancelled');
      assert.equal(await exists('gone/x.bin'), false);
    } finally {
      peer.server.setSwitches({ latencyMs: 0 });
    }
  });

  test('upstream aliases: abort-upload (POST only) and upload-progress events', async () => {
    const key = 'alias/p.bin';
    const progress = fetch(`${baseUrl(platform)}${API}/objects/upload-progress/${encode(key)}`, {
      headers: owner.headers,
    }).then((r) => r.text());
    peer.server.setSwitches({ latencyMs: 100 });
    let aborted: Promise<number | string>;
    try {
      aborted = upload(`models?location=p&key=${encode(key)}`, formOf([randomBytes(20 * MiB)], {}, 'p.bin')).then(
        (r) => r.status,
        () => 'closed',
      );
      await newestUpload('p.bin');
      const wrongUser = await platform.app.inject({
        method: 'POST',
        url: `${API}/objects/abort-upload/${encode(key)}`,
        headers: stranger.headers,
      });
      assert.deepEqual(wrongUser.json(), { message: 'No upload to abort' });
      const abort = await platform.app.inject({
        method: 'POST',
        url: `${API}/objects/abort-upload/${encode(key)}`,
        headers: owner.headers,
      });
      assert.equal(abort.statusCode, 200, abort.body);
      assert.deepEqual(abort.json(), { message: 'Upload aborted' });
      const status = await aborted;
      assert.ok(status === 499 || status === 'closed', `answered ${status}`);
    } finally {
      peer.server.setSwitches({ latencyMs: 0 });
    }
    const frames = (await progress).split('\n\n').filter((frame) => frame.startsWith('data: '));
    const events = frames.map((frame) => JSON.parse(frame.slice('data: '.length)));
    assert.ok(frames.every((frame) => !frame.includes('event:') && !frame.includes('id:')));
    assert.deepEqual(events.at(-1), { loaded: events.at(-1).loaded, status: 'aborted' });
    assert.ok(events.slice(0, -1).every((e) => e.status === 'uploading' && Number.isInteger(e.loaded)));

    const none = await platform.app.inject({
      method: 'POST',
      url: `${API}/objects/abort-upload/${encode(key)}`,
      headers: owner.headers,
    });
    assert.deepEqual(none.json(), { message: 'No upload to abort' });
    const get = await platform.app.inject({
      url: `${API}/objects/abort-upload/${encode(key)}`,
      headers: owner.headers,
    });
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers.allow, 'POST');
    assert.equal(get.json().error.code, 'method_not_allowed');

    // A finished upload is reported as completed with its size.
    const done = await upload(`models?location=p&key=${encode('alias/done.txt')}`, formOf([Buffer.from('12345')]));
    assert.equal(done.status, 200);
    const finished = await fetch(`${baseUrl(platform)}${API}/objects/upload-progress/${encode('alias/done.txt')}`, {
      headers: owner.headers,
    }).then((r) => r.text());
    assert.match(finished, /^data: \{"loaded":5,"status":"completed"\}$/m);
  });

  test('bad input is refused with the error shape; uploads are private to their owner', async () => {
    const expect = async (response: Response, status: number, code: string) => {
      const body = await json(response);
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(body.error.code, code);
    };
    const noFile = new FormData();
    noFile.append('key', encode('a.txt'));
    await expect(await upload('models?location=p', noFile), 400, 'missing_file');
    await expect(
      await upload(`models?location=p&key=${encode('two.txt')}`, formOf([Buffer.from('1'), Buffer.from('2')])),
      400,
      'too_many_files',
    );
    assert.equal(await exists('two.txt'), false);
    await expect(await upload('models?location=p', formOf([Buffer.from('k')])), 400, 'missing_key');
    await expect(
      await upload(`models?location=p&key=${encode('big.bin')}&size=${31 * MiB}`, formOf([Buffer.from('k')])),
      413,
      'file_too_large',
    );
    await expect(
      await upload(`models?location=p&key=${encode('over.bin')}`, formOf([randomBytes(31 * MiB)])),
      413,
      'file_too_large',
    );
    assert.equal(await exists('over.bin'), false);
    await expect(
      await upload(`models?location=p&key=${encode('short.bin')}&size=10`, formOf([Buffer.from('123')])),
      400,
      'size_mismatch',
    );
    assert.equal(await exists('short.bin'), false);
    await expect(
      await upload(
        'models?location=p&prefix=there_is_no_prefix',
        formOf([Buffer.from('k')], { relativePath: '../up.txt' }),
      ),
      400,
      'invalid_path',
    );
    await expect(await upload('models?location=p&key=***', formOf([Buffer.from('k')])), 400, 'invalid_encoded_key');
    await expect(
      await upload(`models?location=p&key=${encode('k.txt')}`, formOf([Buffer.from('k')], { sha256: 'xyz' })),
      400,
      'invalid_sha256',
    );
    await expect(
      await upload(`models?location=p&key=${encode('f.txt')}`, formOf([Buffer.from('k')]), stranger),
      404,
      'location_not_found',
    );

    const mine = await upload(`models?location=p&key=${encode('private.txt')}`, formOf([Buffer.from('mine')]));
    const { jobId } = await json(mine);
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${API}/transfers/${jobId}` },
      attempts: [
        { method: 'DELETE', url: `${API}/transfers/${jobId}` },
        { method: 'GET', url: `${API}/transfers/${jobId}/events` },
      ],
    });
    await assertAnonymousRefused(platform, `${API}/objects/upload`);
    await assertAnonymousRefused(platform, `${API}/objects/abort-upload`);
  });
});
