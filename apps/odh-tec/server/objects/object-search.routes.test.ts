import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';
const BUCKET = 'my.bucket';

/** Creates many small objects with a few PutObject calls in flight at once. */
async function putMany(peer: S3Peer, keys: string[], parallel = 32): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < keys.length) await peer.put(BUCKET, keys[next++]!);
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}

interface Page {
  objects: { Key: string }[];
  prefixes: { Prefix: string }[];
  nextContinuationToken: string | null;
  isTruncated: boolean;
  filter?: {
    q: string;
    mode: string;
    partialResult: boolean;
    scanPages: number;
    scanStoppedReason: string;
    autoBroaden: boolean;
    originalMode: string;
    matches: { objects: Record<string, number[][]>; prefixes: Record<string, number[][]> };
  };
}

describeEachEngine('odh-tec listing search and folder delete', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  const fileKeys = Array.from({ length: 2500 }, (_, index) => `p/file-${String(index).padStart(4, '0')}.bin`);

  const get = (url: string) => platform.app.inject({ url, headers: owner.headers });
  const remove = (key: string) =>
    platform.app.inject({
      method: 'DELETE',
      url: `${API}/objects/${BUCKET}/${encodeKey(key)}?location=peer`,
      headers: owner.headers,
    });
  const keysIn = async (prefix: string): Promise<string[]> => {
    const answer = await peer.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
    return (answer.Contents ?? []).map((object) => object.Key!);
  };
  /** Follows nextContinuationToken to the end; returns every page. */
  const allPages = async (params: Record<string, string>): Promise<Page[]> => {
    const pages: Page[] = [];
    let token: string | null = null;
    do {
      const query = new URLSearchParams({
        location: 'peer',
        ...params,
        ...(token ? { continuationToken: token } : {}),
      });
      const response = await get(`${API}/objects/${BUCKET}/${encodeKey('p/')}?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      const page = response.json() as Page;
      assert.equal(page.isTruncated, page.nextContinuationToken !== null);
      pages.push(page);
      token = page.nextContinuationToken;
    } while (token);
    return pages;
  };
  const entriesOf = (pages: Page[]) =>
    pages.flatMap((page) => [...page.objects.map((o) => o.Key), ...page.prefixes.map((p) => p.Prefix)]);

  before(async () => {
    peer = await startS3Peer();
    await peer.client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await putMany(peer, [...fileKeys, 'p/sub-a/inner', 'p/sub-b/inner', 'p/sub-c/inner']);
    platform = await buildTestApp({
      apps: [odhTecApp],
      databaseUrl: await newDatabaseUrl(),
      env: { ODH_TEC_SEARCH_MAX_PAGES: '2' },
    });
    owner = await platform.createUser('searcher');
    await addPeerConnection(platform, owner, peer);
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('acceptance 1: 2,500 objects and 3 folders page through my.bucket exactly once, folders counting', async () => {
    const pages = await allPages({ maxKeys: '1000' });
    assert.equal(pages.length, 3);
    for (const page of pages) assert.ok(page.objects.length + page.prefixes.length <= 1000);
    assert.equal(pages[2]!.prefixes.length, 3, 'the folders sort after the files and fill the last page');
    const seen = entriesOf(pages);
    assert.equal(seen.length, new Set(seen).size, 'no entry is listed twice');
    assert.deepEqual(new Set(seen), new Set([...fileKeys, 'p/sub-a/', 'p/sub-b/', 'p/sub-c/']));
    assert.equal(pages[0]!.filter, undefined, 'a plain listing has no filter');
  });

  test('startsWith is one S3 call with Prefix = prefix + q, highlighting the start of the leaf', async () => {
    const before = peer.server.stats.requestLog.length;
    const [page, ...more] = await allPages({ q: 'file-001', mode: 'startsWith' });
    assert.equal(more.length, 0);
    assert.deepEqual(
      page!.objects.map((o) => o.Key),
      fileKeys.slice(10, 20),
    );
    assert.deepEqual(page!.filter!.matches.objects['p/file-0010.bin'], [[0, 8]]);
    assert.deepEqual(
      { ...page!.filter, matches: undefined },
      {
        q: 'file-001',
        mode: 'startsWith',
        partialResult: false,
        scanPages: 1,
        scanStoppedReason: 'bucketExhausted',
        autoBroaden: false,
        originalMode: 'startsWith',
        matches: undefined,
      },
    );
    const lists = peer.server.stats.requestLog.slice(before).filter((entry) => entry.op === 'ListObjectsV2');
    assert.equal(lists.length, 1);
    assert.match(lists[0]!.path, /prefix=p%2Ffile-001/);
  });

  test('contains is case-insensitive on the leaf and pages by maxKeys, even in the middle of an S3 page', async () => {
    const pages = await allPages({ q: 'E-24', mode: 'contains', maxKeys: '30' });
    const seen = entriesOf(pages);
    assert.equal(seen.length, new Set(seen).size);
    assert.deepEqual(seen, fileKeys.slice(2400, 2500));
    // The matches sit in the third S3 page, past the cap of 2: the first answer is an empty partial result.
    assert.deepEqual([pages[0]!.filter!.scanStoppedReason, entriesOf(pages.slice(0, 1))], ['scanCap', []]);
    const full = pages.find((page) => page.filter!.scanStoppedReason === 'maxKeysReached')!;
    assert.deepEqual(full.filter!.matches.objects['p/file-2400.bin'], [[3, 7]]);
    const token = JSON.parse(Buffer.from(full.nextContinuationToken!, 'base64url').toString());
    assert.deepEqual([token.q, token.m, token.o], ['E-24', 'contains', 430]);
    assert.equal(pages.at(-1)!.filter!.scanStoppedReason, 'bucketExhausted');
  });

  test('contains stops at ODH_TEC_SEARCH_MAX_PAGES pages with a partial result that can be continued', async () => {
    const pages = await allPages({ q: 'SUB-', mode: 'contains', maxKeys: '1000' });
    assert.deepEqual(
      pages.map((page) => [page.filter!.scanPages, page.filter!.scanStoppedReason, page.filter!.partialResult]),
      [
        [2, 'scanCap', true],
        [1, 'bucketExhausted', false],
      ],
    );
    assert.deepEqual(entriesOf(pages), ['p/sub-a/', 'p/sub-b/', 'p/sub-c/']);
    assert.deepEqual(pages[1]!.filter!.matches.prefixes['p/sub-b/'], [[0, 4]]);
  });

  test('autoBroaden reruns an empty startsWith as contains', async () => {
    const pages = await allPages({ q: 'UB-B', mode: 'startsWith', autoBroaden: 'true' });
    assert.deepEqual(entriesOf(pages), ['p/sub-b/']);
    for (const page of pages) {
      assert.deepEqual(
        [page.filter!.mode, page.filter!.originalMode, page.filter!.autoBroaden],
        ['contains', 'startsWith', true],
      );
    }
    assert.deepEqual(pages.at(-1)!.filter!.matches.prefixes['p/sub-b/'], [[1, 5]]);
    const strict = await allPages({ q: 'UB-B', mode: 'startsWith' });
    assert.deepEqual(entriesOf(strict), []);
  });

  test('a search token from another query is refused; q is limited to 256 characters', async () => {
    const first = (await get(`${API}/objects/${BUCKET}/${encodeKey('p/')}?location=peer&q=file-1&maxKeys=5`)).json();
    const cases = [
      `q=file-2&mode=startsWith&continuationToken=${first.nextContinuationToken}`,
      `q=file-1&mode=contains&continuationToken=${first.nextContinuationToken}`,
      'q=file-1&continuationToken=not-json',
      `q=${'x'.repeat(257)}`,
      'q=x&mode=middle',
    ];
    for (const query of cases) {
      const response = await get(`${API}/objects/${BUCKET}/${encodeKey('p/')}?location=peer&${query}`);
      assert.equal(response.statusCode, 400, `${query}: ${response.body}`);
      assert.equal(response.json().error.code, 'validation_failed');
    }
  });

  test('acceptance 3: exact delete and a 2,500-object folder delete batched with Content-MD5', async () => {
    await putMany(peer, ['a.txt', 'a.txt.bak', 'a.txt2/x', 'foo/one', 'foobar/kept']);
    assert.deepEqual((await remove('a.txt')).json(), { deleted: true, count: 1 });
    assert.deepEqual(await keysIn('a.txt'), ['a.txt.bak', 'a.txt2/x']);

    await putMany(
      peer,
      Array.from({ length: 2500 }, (_, index) => `f/${index}`),
    );
    const before = peer.server.stats.requestLog.length;
    const folder = await remove('f/');
    if (folder.statusCode === 202) {
      // A slow machine passed the 10 s the route waits: the delete goes on as a job, followed to its end.
      const { jobId } = folder.json();
      const deadline = Date.now() + 120_000;
      for (;;) {
        const job = (await get(`${API}/transfers/${jobId}`)).json();
        if (job.status === 'completed') break;
        assert.ok(job.status !== 'failed' && Date.now() < deadline, `folder delete ${job.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } else {
      assert.equal(folder.statusCode, 200, folder.body);
      assert.deepEqual(folder.json(), { deleted: true, count: 2500 });
    }
    assert.deepEqual(await keysIn('f/'), []);
    const batches = peer.server.stats.requestLog.slice(before).filter((entry) => entry.op === 'DeleteObjects');
    assert.equal(batches.length, 3);
    for (const entry of batches) assert.match(entry.headers['content-md5'] ?? '', /^[A-Za-z0-9+/]{22}==$/);

    assert.deepEqual((await remove('foo/')).json(), { deleted: true, count: 1 });
    assert.deepEqual(await keysIn('foo'), ['foobar/kept']);
  });

  test('a folder delete still running after 10 s answers 202 with a delete_prefix transfer that completes', async () => {
    await putMany(peer, ['slow/1', 'slow/2', 'slow/3']);
    // Every S3 call now takes 4 s: list + delete + the final empty list pass the 10 s the request waits.
    peer.server.setSwitches({ latencyMs: 4000 });
    const started = Date.now();
    const response = await remove('slow/');
    peer.server.setSwitches({ latencyMs: 0 });
    assert.equal(response.statusCode, 202, response.body);
    assert.ok(Date.now() - started >= 10_000);
    const { jobId, sseUrl } = response.json();
    assert.equal(sseUrl, `${API}/transfers/${jobId}/events`);
    let job: { kind: string; status: string; progress: { completedFiles: number } };
    do {
      await new Promise((resolve) => setTimeout(resolve, 200));
      job = (await get(`${API}/transfers/${jobId}`)).json();
    } while (job.status === 'active');
    assert.deepEqual([job.kind, job.status, job.progress.completedFiles], ['delete_prefix', 'completed', 3]);
    assert.deepEqual(await keysIn('slow/'), []);
  });

  test('contains searches are limited to 30 a minute per user (429 rate_limited); plain listings are not', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 31; index++) {
      const response = await get(`${API}/objects/${BUCKET}/${encodeKey('none/')}?location=peer&q=x&mode=contains`);
      statuses.push(response.statusCode);
    }
    const limited = statuses.indexOf(429);
    assert.ok(limited > 0 && limited <= 30, `statuses ${statuses}`);
    const refused = await get(`${API}/objects/${BUCKET}/${encodeKey('none/')}?location=peer&q=x&mode=contains`);
    assert.equal(refused.json().error.code, 'rate_limited');
    assert.equal((await get(`${API}/objects/${BUCKET}/${encodeKey('none/')}?location=peer`)).statusCode, 200);
    assert.equal((await get(`${API}/objects/${BUCKET}/${encodeKey('none/')}?location=peer&q=x`)).statusCode, 200);
  });
});
