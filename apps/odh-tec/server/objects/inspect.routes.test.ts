import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import {
  assertCrossUserRefused,
  buildTestApp,
  describeEachEngine,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { sharedDataDir } from '@platform/testing/shared-data.ts';
import { commitsOf, FakeContentStore, type FakeReposDocument } from '../../testing/fake-hf-content.ts';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';
import { parquetFile, sampleFooter } from './parquet-footer.fixture.ts';

const API = '/odh-tec/api';
const fixtureRoot = join(sharedDataDir(), 'odh-tec');

/** The bytes of `model.safetensors` at `main` of the fixture repo `odh-tec-fixtures/tiny-llama-like`. */
function fixtureModel(): Buffer {
  const document = JSON.parse(readFileSync(join(fixtureRoot, 'hf', 'fake-repos.json'), 'utf8')) as FakeReposDocument;
  const repo = document.repos.find((candidate) => candidate.id === 'odh-tec-fixtures/tiny-llama-like')!;
  const file = commitsOf(repo)
    .get(repo.refs.main!)!
    .find((candidate) => candidate.path === 'model.safetensors')!;
  return new FakeContentStore(fixtureRoot).bytes(file);
}

/** Bytes of the ranges a request log shows (every GetObject must carry one). */
const rangeBytes = (range: string): number => {
  const [, start, end] = /^bytes=(\d+)-(\d+)$/.exec(range) ?? [];
  assert.ok(start && end, `a bounded range, got ${range}`);
  return Number(end) - Number(start) + 1;
};

describeEachEngine('odh-tec inspect', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;

  const inspect = (key: string, user: TestUser = owner) =>
    platform.app.inject({
      url: `${API}/objects/inspect/models/${encodeKey(key)}?location=peer`,
      headers: user.headers,
    });
  const put = (key: string, body: string | Buffer) =>
    peer.client.send(new PutObjectCommand({ Bucket: 'models', Key: key, Body: body }));

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
    owner = await platform.createUser('inspector');
    await addPeerConnection(platform, owner, peer);
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('acceptance 22: the fixture model.safetensors → one tensor, 6,291,456 parameters, ≤ 1 MiB read', async () => {
    const model = fixtureModel();
    assert.equal(model.length, 12_583_048);
    await put('tiny/model.safetensors', model);
    const before = peer.server.stats.requestLog.length;
    const response = await inspect('tiny/model.safetensors');
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.kind, 'safetensors');
    assert.equal(body.totalParameters, 6_291_456);
    assert.deepEqual(body.tensors, [
      { name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [3072, 2048], parameters: 6_291_456 },
    ]);
    assert.deepEqual(body.metadata, { format: 'pt' });
    const reads = peer.server.stats.requestLog.slice(before).filter((entry) => entry.op === 'GetObject');
    assert.ok(reads.length >= 1);
    const total = reads.reduce((sum, entry) => sum + rangeBytes(entry.headers.range ?? ''), 0);
    assert.ok(total <= 1024 * 1024, `read ${total} bytes`);
  });

  test('a header larger than the first read is fetched with a second ranged GET', async () => {
    const tensors: Record<string, unknown> = { __metadata__: { note: 'x'.repeat(70_000) } };
    for (let index = 0; index < 3; index++)
      tensors[`t${index}`] = { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] };
    tensors.scalar = { dtype: 'F32', shape: [], data_offsets: [0, 4] };
    const header = Buffer.from(JSON.stringify(tensors));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    await put('big-header.safetensors', Buffer.concat([length, header, Buffer.alloc(76)]));
    const before = peer.server.stats.requestLog.length;
    const body = (await inspect('big-header.safetensors')).json();
    const reads = peer.server.stats.requestLog.slice(before).filter((entry) => entry.op === 'GetObject');
    assert.deepEqual(
      reads.map((entry) => entry.headers.range),
      ['bytes=0-65535', `bytes=8-${8 + header.length - 1}`],
    );
    assert.deepEqual([body.kind, body.tensors.length, body.totalParameters], ['safetensors', 4, 19]);
  });

  test('JSONL and CSV show their first rows; text, images and other files their kind', async () => {
    await put('d/rows.jsonl', '{"a":1}\n{"a":2}\nnot json\n');
    await put('d/table.csv', 'name,note\r\n"Smith, J","said ""hi"""\r\nLee,\r\n');
    await put('d/readme.md', '# hello');
    await put('d/pixel.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]));
    await put('d/blob.bin', Buffer.from([0, 1, 2, 0xff]));
    await put('d/data.parquet', Buffer.from('PAR1\0\0PAR1'));
    const kinds = async (key: string) => (await inspect(key)).json();
    assert.deepEqual(await kinds('d/rows.jsonl'), {
      kind: 'jsonl',
      key: 'd/rows.jsonl',
      size: 25,
      rows: [{ a: 1 }, { a: 2 }, 'not json'],
      truncated: false,
    });
    const csv = await kinds('d/table.csv');
    assert.deepEqual(
      [csv.kind, csv.columns, csv.rows],
      [
        'csv',
        ['name', 'note'],
        [
          ['Smith, J', 'said "hi"'],
          ['Lee', ''],
        ],
      ],
    );
    assert.equal((await kinds('d/readme.md')).kind, 'text');
    assert.deepEqual(
      [(await kinds('d/pixel.png')).kind, (await kinds('d/pixel.png')).contentType],
      ['image', 'image/png'],
    );
    assert.equal((await kinds('d/blob.bin')).kind, 'binary');
    const junk = await kinds('d/data.parquet');
    assert.deepEqual([junk.kind, typeof junk.note], ['binary', 'string']);
  });

  test('Parquet: row count and schema from the footer, read from the end of the file only', async () => {
    await put('d/big.parquet', parquetFile(sampleFooter, 2 * 1024 * 1024));
    const before = peer.server.stats.requestLog.length;
    const body = (await inspect('d/big.parquet')).json();
    assert.deepEqual(
      [body.kind, body.rowCount, body.rowGroups, body.createdBy],
      ['parquet', 5_000_000_000, 2, 'test writer 1.0'],
    );
    assert.deepEqual(
      body.schema.map((column: { name: string }) => column.name),
      ['id', 'info.label'],
    );
    const reads = peer.server.stats.requestLog.slice(before).filter((entry) => entry.op === 'GetObject');
    assert.equal(reads.length, 1);
    assert.equal(rangeBytes(reads[0]!.headers.range ?? ''), 64 * 1024);
  });

  test('bad input answers 4xx with the error shape', async () => {
    const huge = Buffer.alloc(16);
    huge.writeBigUInt64LE(200n * 1024n * 1024n);
    await put('huge.safetensors', huge);
    await put('short.safetensors', 'abc');
    const cases: [string, string, number, string][] = [
      [
        'header over 100 MiB',
        `${API}/objects/inspect/models/${encodeKey('huge.safetensors')}?location=peer`,
        422,
        'invalid_safetensors',
      ],
      [
        'too short',
        `${API}/objects/inspect/models/${encodeKey('short.safetensors')}?location=peer`,
        422,
        'invalid_safetensors',
      ],
      ['missing', `${API}/objects/inspect/models/${encodeKey('nope.txt')}?location=peer`, 404, 'object_not_found'],
      ['bad key', `${API}/objects/inspect/models/!!!?location=peer`, 400, 'invalid_encoded_key'],
      ['bad bucket', `${API}/objects/inspect/Bad_Bucket/${encodeKey('a')}?location=peer`, 400, 'invalid_bucket_name'],
    ];
    for (const [name, url, status, code] of cases) {
      const response = await platform.app.inject({ url, headers: owner.headers });
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.equal(response.json().error.code, code, name);
      assert.equal(typeof response.json().error.message, 'string');
    }
  });

  test('anonymous and other users cannot inspect through a user connection', async () => {
    await put('private/secret.csv', 'a,b\n1,2\n');
    const anonymous = await platform.app.inject({
      url: `${API}/objects/inspect/models/${encodeKey('private/secret.csv')}?location=peer`,
    });
    assert.equal(anonymous.statusCode, 401);
    const stranger = await platform.createUser('inspect-stranger');
    await assertCrossUserRefused(platform, owner, stranger, {
      read: { method: 'GET', url: `${API}/objects/inspect/models/${encodeKey('private/secret.csv')}?location=peer` },
      attempts: [],
    });
  });
});
