import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { AppError } from '@platform/kernel/http/errors.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import { MockAgent } from 'undici';
import { type FakeHubSwitches, startFakeHub } from '../../testing/fake-hf-server.ts';
import { HfClient, retryDelayMs } from './hf.client.ts';
import { parseModelInfo, parseNextLink, parseTreeEntries } from './hf.parsers.ts';

const TINY = 'odh-tec-fixtures/tiny-llama-like';
const MAIN_SHA = '023a4f60bca87a08a4f5028f51fd2ab3c7221c50';
const MODEL_SHA256 = '486b19d275b4d49ab8c090aac6689116bb1446cd4c53e093d3824e37277f19ba';
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is read as the test expects it.
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

/** A fake Hub for one test, plus a client factory whose sleeps are recorded instead of waited. */
async function setup(t: TestContext, switches: FakeHubSwitches = {}) {
  const dir = sharedData(t, 'odh-tec', 'hf');
  if (!dir) return undefined;
  const hub = await startFakeHub({ repos: readJson(join(dir, 'fake-repos.json')), switches });
  t.after(() => hub.close());
  const sleeps: number[] = [];
  const client = (token?: string) =>
    new HfClient({ endpoint: hub.endpoint, token, sleep: async (ms) => void sleeps.push(ms) });
  return { hub, dir, sleeps, client };
}

const rejectsWith = (promise: Promise<unknown>, code: string, status: number) =>
  assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AppError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.statusCode, status);
    return true;
  });

async function readAll(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

test('parsers read the real tree entries (LFS and not) and an expand answer without modelId', (t) => {
  const dir = sharedData(t, 'odh-tec', 'hf');
  if (!dir) return;
  const tree = parseTreeEntries(readJson(join(dir, 'tree.bert-base-uncased.real.json')).body);
  assert.equal(tree.length, 5);
  assert.deepEqual(tree[0], { path: '.gitattributes', size: 345, blobId: 'dc08351d4dc0732d9c8af04070ced089b201ce2f' });
  assert.deepEqual(tree[2], {
    path: 'pytorch_model.bin',
    size: 440473133,
    blobId: 'ba5d19791be1dd7992e33bd61f20207b0f7f50a5',
    lfsSha256: '097417381d6c7230bd9e3557456d726de6e83245ec8b24f529f60198a67b203a',
  });
  const expand = parseModelInfo(readJson(join(dir, 'model-info.expand-safetensors.real.json')).body);
  assert.equal(expand.id, 'Qwen/Qwen3-8B');
  assert.equal(expand.safetensorsTotal, 8190735360);
  assert.equal(expand.files, undefined);
  assert.equal(parseNextLink('<https://h/x?cursor=a>; rel="next"'), 'https://h/x?cursor=a');
  assert.equal(parseNextLink('<https://h/x>; rel="prev"'), undefined);
});

test('modelInfo pins the commit and reads sizes, LFS SHA-256 and blob ids from siblings', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const info = await s.client().modelInfo(TINY, 'main');
  assert.equal(info.sha, MAIN_SHA);
  assert.equal(info.files.length, 7);
  assert.deepEqual(
    info.files.find((f) => f.path === 'model.safetensors'),
    {
      path: 'model.safetensors',
      size: 12583048,
      blobId: '8efb9d0fb18b7865f688b79376d6f223b3551dc6',
      lfsSha256: MODEL_SHA256,
    },
  );
  assert.equal((await s.client().modelInfo(TINY, 'v1')).sha, '982187e8266aae7216e15c6599a81c5c7b133d41');
  assert.equal((await s.client().modelInfo('gpt2', 'main')).files[0].path, 'config.json');
});

test('listTree follows Link rel=next pages to the same files as the siblings', async (t) => {
  const s = await setup(t, { smallPages: true });
  if (!s) return;
  const client = s.client();
  const fromTree = await client.listTree(TINY, MAIN_SHA);
  const fromSiblings = (await client.modelInfo(TINY, 'main')).files;
  const byPath = (a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path);
  assert.deepEqual([...fromTree].sort(byPath), [...fromSiblings].sort(byPath));
  assert.ok(s.hub.log.filter((e) => e.path.includes('/tree/')).length >= 3);
});

test('whoami reports display name and role; a bad token maps to hf_invalid_token', async (t) => {
  const s = await setup(t);
  if (!s) return;
  assert.deepEqual(await s.client('hf_fixture_read').whoami(), {
    name: 'fixture-user',
    displayName: 'fixture-read',
    role: 'read',
  });
  await rejectsWith(s.client('hf_fixture_bad').whoami(), 'hf_invalid_token', 400);
});

test('Hub errors map to app codes', async (t) => {
  const s = await setup(t);
  if (!s) return;
  await rejectsWith(s.client().modelInfo('odh-tec-fixtures/private-model', 'main'), 'hf_repo_not_found', 404);
  assert.equal((await s.client('hf_fixture_read').modelInfo('odh-tec-fixtures/private-model', 'main')).files.length, 1);
  await rejectsWith(s.client().modelInfo(TINY, 'nope'), 'hf_revision_not_found', 404);
  await rejectsWith(s.client().head(TINY, MAIN_SHA, 'missing.bin'), 'hf_entry_not_found', 404);
  const gated = 'odh-tec-fixtures/gated-model';
  const gatedSha = (await s.client().modelInfo(gated, 'main')).sha;
  await rejectsWith(s.client('hf_fixture_read').head(gated, gatedSha, 'config.json'), 'hf_gated', 403);
  await rejectsWith(s.client().open(gated, gatedSha, 'config.json'), 'hf_gated', 403);
  assert.equal((await s.client('hf_fixture_gate_accepted').head(gated, gatedSha, 'config.json')).status, 200);
});

test('429 answers are retried honouring Retry-After; network errors map to hf_unreachable', async (t) => {
  const s = await setup(t, { rateLimitFirst: 3 });
  if (!s) return;
  assert.equal((await s.client().modelInfo(TINY, 'main')).sha, MAIN_SHA);
  assert.deepEqual(s.sleeps, [1000, 1000, 1000]);
  s.hub.setSwitches({ rateLimitFirst: 100 });
  await rejectsWith(s.client().modelInfo(TINY, 'main'), 'hf_unreachable', 502);
  assert.equal(s.sleeps.length, 3 + 5, 'five retries, then the error');
  assert.deepEqual(
    [0, 1, 4, 5, 9].map((attempt) => retryDelayMs(attempt, undefined)),
    [1000, 2000, 16000, 30000, 30000],
  );
  assert.equal(retryDelayMs(0, '120'), 30000);
  const closed = new HfClient({ endpoint: 'http://127.0.0.1:1' });
  await rejectsWith(closed.whoami(), 'hf_unreachable', 502);
});

test('open follows the LFS redirect to the CDN without Authorization; small files come from the Hub', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const client = s.client('hf_fixture_read');
  const model = await client.open(TINY, MAIN_SHA, 'model.safetensors');
  assert.equal(model.isLfs, true);
  assert.equal(model.size, 12583048);
  assert.equal(model.commit, MAIN_SHA);
  assert.equal(
    createHash('sha256')
      .update(await readAll(model.body))
      .digest('hex'),
    MODEL_SHA256,
  );
  const config = await client.open(TINY, MAIN_SHA, 'config.json');
  assert.deepEqual([config.isLfs, config.size, config.commit], [false, 704, MAIN_SHA]);
  assert.equal((await readAll(config.body)).length, 704);
  const ranged = await client.open(TINY, MAIN_SHA, 'model.safetensors', { range: 'bytes=0-7' });
  assert.equal(ranged.status, 206);
  assert.equal((await readAll(ranged.body)).readBigUInt64LE(), 128n);
  const cdn = s.hub.log.filter((e) => e.origin === 'cdn');
  const hub = s.hub.log.filter((e) => e.origin === 'hub');
  assert.equal(cdn.length, 2);
  assert.ok(
    cdn.every((e) => !e.authorization),
    'the token never reaches the CDN origin',
  );
  assert.ok(
    hub.every((e) => e.authorization),
    'the token goes to the Hub origin',
  );
});

test('an empty token sends no Authorization header at all', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const client = s.client('');
  await client.modelInfo(TINY, 'main');
  await readAll((await client.open(TINY, MAIN_SHA, 'tokenizer.json')).body);
  assert.ok(s.hub.log.length >= 2);
  assert.ok(s.hub.log.every((e) => !e.authorization));
});

test('open reports the Hub commit header so callers can detect a moved revision', async (t) => {
  const s = await setup(t, { wrongCommitHeader: true });
  if (!s) return;
  const opened = await s.client().open(TINY, MAIN_SHA, 'config.json');
  await readAll(opened.body);
  assert.notEqual(opened.commit, MAIN_SHA);
});

test('modelInfo falls back to the paginated tree when siblings carry no sizes (through an injected dispatcher)', async () => {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const hub = agent.get('https://hub.example');
  const api = '/api/models/org/model';
  hub.intercept({ path: `${api}/revision/main?blobs=true` }).reply(200, {
    id: 'org/model',
    sha: MAIN_SHA,
    siblings: [{ rfilename: 'a.json' }, { rfilename: 'w.bin' }],
  });
  hub
    .intercept({ path: `${api}/tree/${MAIN_SHA}?recursive=true` })
    .reply(200, [{ type: 'file', oid: 'o1', size: 2, path: 'a.json' }], {
      headers: { link: `<https://hub.example${api}/tree/${MAIN_SHA}?recursive=true&cursor=1>; rel="next"` },
    });
  hub.intercept({ path: `${api}/tree/${MAIN_SHA}?recursive=true&cursor=1` }).reply(503, 'busy');
  hub.intercept({ path: `${api}/tree/${MAIN_SHA}?recursive=true&cursor=1` }).reply(200, [
    { type: 'directory', oid: 'd', size: 0, path: 'sub' },
    { type: 'file', oid: 'o2', size: 9, lfs: { oid: 'f'.repeat(64), size: 9, pointerSize: 130 }, path: 'w.bin' },
  ]);
  const client = new HfClient({ endpoint: 'https://hub.example/', dispatcher: agent, sleep: async () => {} });
  const info = await client.modelInfo('org/model', 'main');
  assert.deepEqual(info.files, [
    { path: 'a.json', size: 2, blobId: 'o1' },
    { path: 'w.bin', size: 9, blobId: 'o2', lfsSha256: 'f'.repeat(64) },
  ]);
  agent.assertNoPendingInterceptors();
  await agent.close();
});
