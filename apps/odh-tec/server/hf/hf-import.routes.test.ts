import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { baseUrl, buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { sharedDataDir } from '@platform/testing/shared-data.ts';
import { sql } from 'drizzle-orm';
import { startFakeHub } from '../../testing/fake-hf-server.ts';
import { odhTecApp } from '../odh-tec.app.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';
const TINY = 'odh-tec-fixtures/tiny-llama-like';
const MAIN_SHA = '023a4f60bca87a08a4f5028f51fd2ab3c7221c50';
const MODEL_SHA256 = '486b19d275b4d49ab8c090aac6689116bb1446cd4c53e093d3824e37277f19ba';
const TERMINAL = ['completed', 'failed', 'cancelled'];
const fixtures = join(sharedDataDir(), 'odh-tec', 'hf', 'fake-repos.json');

describeEachEngine('odh-tec Hugging Face import', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let hub: Awaited<ReturnType<typeof startFakeHub>>;
  let owner: TestUser;
  let localRoot: string;

  const start = (payload: Record<string, unknown>, url = `${API}/objects/import-hf`) =>
    platform.app.inject({ method: 'POST', url, payload, headers: owner.headers });
  const settle = async (id: string) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const view = (await platform.app.inject({ url: `${API}/transfers/${id}`, headers: owner.headers })).json();
      if (TERMINAL.includes(view.status)) return view;
      assert.ok(Date.now() < deadline, `import ${id} still ${view.status}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const keys = async (prefix: string) =>
    ((await peer.client.send(new ListObjectsV2Command({ Bucket: 'models', Prefix: prefix }))).Contents ?? []).map(
      (object) => object.Key,
    );

  before(async () => {
    peer = await startS3Peer();
    hub = await startFakeHub({ repos: JSON.parse(readFileSync(fixtures, 'utf8')) });
    localRoot = mkdtempSync(join(tmpdir(), 'odh-tec-hf-local-'));
    platform = await buildTestApp({
      apps: [odhTecApp],
      databaseUrl: await newDatabaseUrl(),
      listen: true,
      startBackground: true,
      env: { HF_ENDPOINT: hub.endpoint, LOCAL_STORAGE_PATHS: localRoot },
    });
    owner = await platform.createUser('importer');
    await addPeerConnection(platform, owner, peer);
  });
  after(async () => {
    await platform.close();
    await hub.close();
    await peer.close();
    rmSync(localRoot, { recursive: true, force: true });
  });

  test('happy path: pinned commit, selected files verified, no token sent to the CDN, manifest (acceptance 9)', async () => {
    const from = hub.log.length;
    // The fixture repository also has a top-level tokenizer.json, which `*.json` selects; config.json names it alone.
    const response = await start({
      modelId: TINY,
      destination: { locationId: 'peer', bucket: 'models', prefix: 'imports' },
      include: ['*.safetensors', 'config.json'],
      hfToken: 'hf_fixture_read',
    });
    assert.equal(response.statusCode, 202, response.body);
    const { jobId, sseUrl, revision } = response.json();
    assert.equal(revision, MAIN_SHA);
    const events = fetch(`${baseUrl(platform)}${sseUrl}`, { headers: owner.headers }).then((r) => r.text());
    const view = await settle(jobId);
    assert.equal(view.status, 'completed', JSON.stringify(view.files));
    assert.deepEqual((await keys(`imports/${TINY}/`)).sort(), [
      `imports/${TINY}/.odh-tec-import.json`,
      `imports/${TINY}/config.json`,
      `imports/${TINY}/model.safetensors`,
    ]);
    const model = await peer.client.send(
      new GetObjectCommand({ Bucket: 'models', Key: `imports/${TINY}/model.safetensors` }),
    );
    const bytes = await model.Body!.transformToByteArray();
    assert.equal(createHash('sha256').update(bytes).digest('hex'), MODEL_SHA256);
    assert.equal(model.Metadata?.sha256, MODEL_SHA256);
    const config = await peer.client.send(
      new HeadObjectCommand({ Bucket: 'models', Key: `imports/${TINY}/config.json` }),
    );
    assert.match(config.Metadata?.sha256 ?? '', /^[0-9a-f]{64}$/);
    const manifest = JSON.parse(
      await (
        await peer.client.send(new GetObjectCommand({ Bucket: 'models', Key: `imports/${TINY}/.odh-tec-import.json` }))
      ).Body!.transformToString(),
    );
    assert.equal(manifest.commit, MAIN_SHA);
    assert.deepEqual(manifest.files.map((f: { path: string }) => f.path).sort(), ['config.json', 'model.safetensors']);
    const requests = hub.log.slice(from);
    assert.ok(
      requests.some((r) => r.origin === 'cdn'),
      'the LFS file came from the CDN',
    );
    assert.ok(
      requests.filter((r) => r.origin === 'cdn').every((r) => !r.authorization),
      'no token to the CDN',
    );
    assert.ok(
      requests.filter((r) => r.origin === 'hub').every((r) => r.authorization),
      'the token went to the Hub',
    );
    const row = await platform.kernel.db.rows<{ secret_enc: string | null; resolved_revision: string }>(
      sql`select secret_enc, resolved_revision from "odh-tec".transfers where id = ${jobId}`,
    );
    assert.equal(row[0].secret_enc, null, 'the request token is wiped when the job ends');
    assert.equal(row[0].resolved_revision, MAIN_SHA);
    const text = await events;
    assert.doesNotMatch(text, /hf_fixture_read/);
    assert.match(text, /^event: done$/m);
  });

  test('gated and private repositories fail the request before any write (acceptance 11)', async () => {
    const before = (await keys('')).length;
    const gated = await start({
      modelId: 'odh-tec-fixtures/gated-model',
      destination: { locationId: 'peer', bucket: 'models' },
    });
    assert.equal(gated.statusCode, 403, gated.body);
    assert.equal(gated.json().error.code, 'hf_gated');
    const hidden = await start({
      modelId: 'odh-tec-fixtures/private-model',
      destination: { locationId: 'peer', bucket: 'models' },
    });
    assert.equal(hidden.statusCode, 404, hidden.body);
    assert.equal(hidden.json().error.code, 'hf_repo_not_found');
    const badId = await start({ modelId: '../etc', destination: { locationId: 'peer', bucket: 'models' } });
    assert.equal(badId.statusCode, 400);
    assert.equal(badId.json().error.code, 'invalid_model_id');
    assert.equal((await keys('')).length, before);
  });

  test('the v2.1.1 route imports into a local root; a second run skips files already there', async () => {
    const payload = { destinationType: 'local', localLocationId: 'local-0', localPath: 'hub', modelId: 'gpt2' };
    const first = await start(payload, `${API}/objects/huggingface-import`);
    assert.equal(first.statusCode, 202, first.body);
    assert.equal(first.json().message, 'Model import started');
    const done = await settle(first.json().jobId);
    assert.equal(done.status, 'completed', JSON.stringify(done.files));
    const config = readFileSync(join(localRoot, 'hub', 'gpt2', 'config.json'), 'utf8');
    assert.deepEqual(
      JSON.parse(config),
      JSON.parse(readFileSync(join(sharedDataDir(), 'odh-tec', 'configs', 'gpt2.config.json'), 'utf8')),
    );
    const second = await start(payload, `${API}/objects/huggingface-import`);
    const again = await settle(second.json().jobId);
    assert.deepEqual(
      again.files.map((f: { status: string }) => f.status),
      ['skipped'],
    );
  });
});
