import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type TestContext, test } from 'node:test';
import { AppError } from '@platform/kernel/http/errors.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import { type FakeHubSwitches, startFakeHub } from '../../testing/fake-hf-server.ts';
import { HfClient } from './hf.client.ts';
import {
  buildManifest,
  compileSelection,
  destinationKey,
  type HfImportPlan,
  normalizePrefix,
  planHfImport,
  validateModelId,
  validateRevision,
} from './hf-import.planner.ts';
import { assertPinnedCommit, HfHashTee, HfVerifyStream } from './hf-verify.ts';

const TINY = 'odh-tec-fixtures/tiny-llama-like';
const MAIN_SHA = '023a4f60bca87a08a4f5028f51fd2ab3c7221c50';
const MODEL_SHA256 = '486b19d275b4d49ab8c090aac6689116bb1446cd4c53e093d3824e37277f19ba';
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is read as the test expects it.
const readJson = (file: string): any => JSON.parse(readFileSync(file, 'utf8'));

async function setup(t: TestContext, switches: FakeHubSwitches = {}) {
  const dir = sharedData(t, 'odh-tec', 'hf');
  if (!dir) return undefined;
  const hub = await startFakeHub({ repos: readJson(join(dir, 'fake-repos.json')), switches });
  t.after(() => hub.close());
  const client = (token?: string) => new HfClient({ endpoint: hub.endpoint, token, sleep: async () => {} });
  return { hub, client };
}

const isAppError = (code: string, status: number) => (error: unknown) => {
  assert.ok(error instanceof AppError, String(error));
  assert.equal(error.code, code);
  assert.equal(error.statusCode, status);
  return true;
};

/** Streams every planned file through the verifier into a byte-counting sink, as the job does into storage. */
async function downloadAll(client: HfClient, plan: HfImportPlan) {
  const results = new Map<string, { sha256?: string; bytes: number }>();
  for (const file of plan.files) {
    const opened = await client.open(plan.modelId, plan.commit, file.path);
    assertPinnedCommit(opened.commit, plan.commit, file.path);
    const verifier = new HfVerifyStream(file);
    let bytes = 0;
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        bytes += chunk.length;
        done();
      },
    });
    await pipeline(opened.body, verifier, sink);
    results.set(file.path, {
      sha256: verifier.verified?.algorithm === 'sha256' ? verifier.verified.actual : undefined,
      bytes,
    });
  }
  return results;
}

test('modelId and revision validation', () => {
  for (const id of ['gpt2', 'org/name', 'A1/x.y-z_w', `a${'b'.repeat(95)}/${'c'.repeat(96)}`]) {
    assert.equal(validateModelId(id), id);
  }
  for (const id of ['', '-a/b', '../x', 'a/b/c', 'a/', 'a b', `a${'b'.repeat(96)}`, 42]) {
    assert.throws(() => validateModelId(id), isAppError('invalid_model_id', 400), String(id));
  }
  for (const rev of ['main', 'v1', 'refs/pr/1', MAIN_SHA, 'x'.repeat(255)]) assert.equal(validateRevision(rev), rev);
  for (const rev of ['', 'a b', 'x?y', 'x'.repeat(256), null]) {
    assert.throws(() => validateRevision(rev), isAppError('invalid_revision', 400), String(rev));
  }
});

test('globs: include defaults to everything (dot files too), exclude applies after include, bad globs are 400', () => {
  const paths = ['.gitattributes', 'config.json', 'model.safetensors', 'original/consolidated.pth', 'gguf/m.gguf'];
  assert.deepEqual(paths.filter(compileSelection()), paths);
  assert.deepEqual(paths.filter(compileSelection(['**'], ['original/**', '*.gguf', '**/*.gguf'])), paths.slice(0, 3));
  assert.deepEqual(paths.filter(compileSelection(['*.json', 'original/*'])), [
    'config.json',
    'original/consolidated.pth',
  ]);
  assert.throws(() => compileSelection(['model.[st']), isAppError('invalid_glob', 400));
  assert.throws(() => compileSelection(undefined, ['a{b']), isAppError('invalid_glob', 400));
});

test('prefix normalisation and destination keys', () => {
  assert.equal(normalizePrefix(undefined), '');
  assert.equal(normalizePrefix('/'), '');
  assert.equal(normalizePrefix('/models/hf'), 'models/hf/');
  assert.equal(normalizePrefix('models/'), 'models/');
  assert.equal(destinationKey('/m/', TINY, 'gguf/x.gguf'), `m/${TINY}/gguf/x.gguf`);
  assert.equal(destinationKey('', 'gpt2', 'config.json'), 'gpt2/config.json');
});

test('happy path: pinned commit, selected files, SHA-256 verified while streaming, no Authorization at the CDN', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const client = s.client('hf_fixture_read');
  const plan = await planHfImport(client, { modelId: TINY, include: ['*.safetensors', '*.json'], prefix: '/imports' });
  assert.equal(plan.commit, MAIN_SHA);
  assert.equal(plan.revision, 'main');
  // `*.json` also matches the fixture's tokenizer.json; only top-level files match `*` patterns.
  assert.deepEqual(
    plan.files.map((f) => f.key),
    ['config.json', 'model.safetensors', 'tokenizer.json'].map((p) => `imports/${TINY}/${p}`),
  );
  assert.equal(plan.manifestKey, `imports/${TINY}/.odh-tec-import.json`);
  const exact = await planHfImport(client, { modelId: TINY, include: ['*.safetensors', 'config.json'] });
  assert.deepEqual(
    exact.files.map((f) => f.path),
    ['config.json', 'model.safetensors'],
  );
  const results = await downloadAll(client, exact);
  assert.equal(results.get('model.safetensors')?.sha256, MODEL_SHA256);
  assert.equal(results.get('config.json')?.bytes, 704);
  const cdn = s.hub.log.filter((e) => e.origin === 'cdn');
  assert.equal(cdn.length, 1);
  assert.ok(cdn.every((e) => !e.authorization));
});

test('revision v1 pins its own commit and serves the v1 README (git oid verified)', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const plan = await planHfImport(s.client(), { modelId: TINY, revision: 'v1', include: ['README.md'] });
  assert.equal(plan.commit, '982187e8266aae7216e15c6599a81c5c7b133d41');
  assert.equal(plan.files[0].blobId, '8fca77a3f7f5d01f3299a3db4c50c97e5a63e265');
  assert.equal((await downloadAll(s.client(), plan)).get('README.md')?.bytes, 58);
});

test('a moving main: files still come from the commit pinned at the start', async (t) => {
  const s = await setup(t, { advanceMainAfterFiles: 1 });
  if (!s) return;
  const plan = await planHfImport(s.client(), { modelId: TINY, include: ['README.md', '*.json'] });
  // README.md last, so it is fetched after main has moved: only the pinned sha still yields the listed blob.
  const results = await downloadAll(s.client(), { ...plan, files: [...plan.files].reverse() });
  assert.equal(results.size, 3);
  assert.notEqual((await s.client().modelInfo(TINY, 'main')).sha, MAIN_SHA, 'main did move');
});

test('gated and private repos fail before any download; accepted tokens pass', async (t) => {
  const s = await setup(t);
  if (!s) return;
  const gated = { modelId: 'odh-tec-fixtures/gated-model' };
  await assert.rejects(planHfImport(s.client(), gated), isAppError('hf_gated', 403));
  await assert.rejects(planHfImport(s.client('hf_fixture_read'), gated), isAppError('hf_gated', 403));
  assert.equal((await planHfImport(s.client('hf_fixture_gate_accepted'), gated)).files.length, 2);
  const priv = { modelId: 'odh-tec-fixtures/private-model' };
  await assert.rejects(planHfImport(s.client(), priv), isAppError('hf_repo_not_found', 404));
  assert.equal((await planHfImport(s.client('hf_fixture_read'), priv)).files.length, 1);
  const downloads = s.hub.log.filter((e) => e.origin === 'cdn' || (e.method === 'GET' && e.path.includes('/resolve/')));
  assert.deepEqual(downloads, [], 'the access check only HEADs');
  assert.ok(s.hub.log.some((e) => e.method === 'HEAD' && e.path.includes('/gated-model/resolve/')));
  await assert.rejects(
    planHfImport(s.client(), { modelId: TINY, revision: 'nope' }),
    isAppError('hf_revision_not_found', 404),
  );
  await assert.rejects(planHfImport(s.client(), { modelId: 'a/b/c' }), isAppError('invalid_model_id', 400));
});

test('a flipped CDN byte fails the verifier with checksum_mismatch', async (t) => {
  const s = await setup(t, { corruptByteAt: 4096 });
  if (!s) return;
  const plan = await planHfImport(s.client(), { modelId: TINY, include: ['model.safetensors'] });
  await assert.rejects(downloadAll(s.client(), plan), (error: unknown) => {
    assert.ok(error instanceof AppError);
    assert.equal(error.code, 'checksum_mismatch');
    assert.deepEqual((error.details as { expected: string }).expected, MODEL_SHA256);
    return true;
  });
});

test('a commit header other than the pinned sha is hf_revision_changed', async (t) => {
  const s = await setup(t, { wrongCommitHeader: true });
  if (!s) return;
  const plan = await planHfImport(s.client(), { modelId: TINY, include: ['config.json'] });
  await assert.rejects(downloadAll(s.client(), plan), isAppError('hf_revision_changed', 409));
});

test('hash tee: git blob ids for small files, size mismatches fail', () => {
  const content = Buffer.from('hello\n');
  const file = { path: 'a.txt', size: 6, blobId: 'ce013625030ba8dba906f756967f9e9ca394464a' };
  const tee = new HfHashTee(file);
  tee.update(content);
  assert.deepEqual(tee.check(), { algorithm: 'git-sha1', expected: file.blobId, actual: file.blobId, bytes: 6 });
  const short = new HfHashTee(file);
  short.update(content.subarray(0, 5));
  assert.throws(() => short.check(), isAppError('checksum_mismatch', 422));
});

test('manifest lists path, size, sha256 for LFS files and git oid', () => {
  const manifest = buildManifest({
    modelId: TINY,
    revision: 'main',
    commit: MAIN_SHA,
    endpoint: 'https://huggingface.co',
    importedAt: new Date('2026-01-02T03:04:05Z'),
    files: [
      { path: 'config.json', size: 704, blobId: 'ccf3dac2f33905d152adbdf3886b5e38a4eb7579' },
      {
        path: 'model.safetensors',
        size: 12583048,
        blobId: '8efb9d0fb18b7865f688b79376d6f223b3551dc6',
        lfsSha256: MODEL_SHA256,
      },
    ],
  });
  assert.deepEqual(JSON.parse(JSON.stringify(manifest)), {
    modelId: TINY,
    revision: 'main',
    commit: MAIN_SHA,
    endpoint: 'https://huggingface.co',
    importedAt: '2026-01-02T03:04:05.000Z',
    files: [
      { path: 'config.json', size: 704, gitOid: 'ccf3dac2f33905d152adbdf3886b5e38a4eb7579' },
      {
        path: 'model.safetensors',
        size: 12583048,
        sha256: MODEL_SHA256,
        gitOid: '8efb9d0fb18b7865f688b79376d6f223b3551dc6',
      },
    ],
  });
});
