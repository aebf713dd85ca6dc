import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';

/** Runs the system `unzip` with `args` on an archive written to a temp folder. */
function unzip(archive: Buffer, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'zip-route-'));
  try {
    writeFileSync(join(dir, 'a.zip'), archive);
    return execFileSync('unzip', [...args, join(dir, 'a.zip')], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describeEachEngine('odh-tec folder download as ZIP', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  const big = Buffer.alloc(3 * 1024 * 1024 + 17, 0x5a);

  const download = (prefix: string, user: TestUser = owner) =>
    platform.app.inject({
      url: `${API}/objects/download-zip/models/${encodeKey(prefix)}?location=peer`,
      headers: user.headers,
    });

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl() });
    owner = await platform.createUser('zipper');
    await addPeerConnection(platform, owner, peer);
    for (const key of ['run 1/a.txt', 'run 1/.s3keep', 'run 1/sub/../../escape.txt', 'run 10/other.txt']) {
      await peer.put('models', key);
    }
    await peer.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'run 1/sub/big.bin', Body: big }));
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('a folder streams as a ZIP named after it, entries below the prefix without .. segments', async () => {
    const response = await download('run 1/');
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['content-type'], 'application/zip');
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="run 1.zip"; filename*=UTF-8''run%201.zip`,
    );
    const archive = response.rawPayload;
    assert.match(unzip(archive, '-t'), /No errors detected/);
    assert.deepEqual(unzip(archive, '-Z1').trim().split('\n').sort(), ['a.txt', 'sub/big.bin', 'sub/escape.txt']);
    assert.equal(
      unzip(archive, '-p', '-q').length,
      big.length + 'run 1/a.txt'.length + 'run 1/sub/../../escape.txt'.length,
    );
    assert.ok(archive.includes(big), 'the large entry is stored unchanged');
  });

  test('the prefix without a trailing slash and an empty folder both work', async () => {
    const response = await download('run 1');
    assert.deepEqual(unzip(response.rawPayload, '-Z1').trim().split('\n').sort(), [
      'a.txt',
      'sub/big.bin',
      'sub/escape.txt',
    ]);
    const empty = await download('nothing/');
    assert.equal(empty.statusCode, 200);
    assert.equal(empty.rawPayload.length, 22, 'only the end record');
  });

  test('bad input answers 4xx with the error shape', async () => {
    const cases: [string, string, number, string][] = [
      [
        'missing bucket',
        `${API}/objects/download-zip/no-such-bucket/${encodeKey('x/')}?location=peer`,
        404,
        'bucket_not_found',
      ],
      ['bad prefix', `${API}/objects/download-zip/models/!!!?location=peer`, 400, 'invalid_encoded_key'],
      [
        'bad bucket',
        `${API}/objects/download-zip/Bad_Bucket/${encodeKey('x/')}?location=peer`,
        400,
        'invalid_bucket_name',
      ],
      [
        'unknown location',
        `${API}/objects/download-zip/models/${encodeKey('x/')}?location=nowhere`,
        404,
        'location_not_found',
      ],
    ];
    for (const [name, url, status, code] of cases) {
      const response = await platform.app.inject({ url, headers: owner.headers });
      assert.equal(response.statusCode, status, `${name}: ${response.body}`);
      assert.equal(response.json().error.code, code, name);
    }
  });

  test('anonymous and other users cannot download a folder through a user connection', async () => {
    const anonymous = await platform.app.inject({
      url: `${API}/objects/download-zip/models/${encodeKey('run 1/')}?location=peer`,
    });
    assert.equal(anonymous.statusCode, 401);
    const stranger = await platform.createUser('zip-stranger');
    // assertCrossUserRefused reads JSON bodies; an archive is checked by hand: the owner gets it, the stranger does not.
    assert.equal((await download('run 1/')).statusCode, 200);
    const refused = await download('run 1/', stranger);
    assert.ok([403, 404].includes(refused.statusCode), `stranger got ${refused.statusCode}`);
    assert.equal(typeof refused.json().error.code, 'string');
  });
});
