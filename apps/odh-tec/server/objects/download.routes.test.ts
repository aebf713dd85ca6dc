import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { baseUrl, buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';
import { addPeerConnection, type S3Peer, startS3Peer } from '../testing/s3-peer.ts';

const API = '/odh-tec/api';
const MiB = 1024 * 1024;
const UNICODE_KEY = "dir/Capture d'écran 日本.txt";
const TEXT = 'Bonjour, 世界! 0123456789';

describeEachEngine('odh-tec download and preview', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let peer: S3Peer;
  let owner: TestUser;
  let large: Buffer;

  const download = (key: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
    platform.app.inject({
      method,
      url: `${API}/objects/download/models/${encodeKey(key)}?location=peer`,
      headers: { ...owner.headers, ...headers },
    });
  const view = (key: string, query = '') =>
    platform.app.inject({
      url: `${API}/objects/view/models/${encodeKey(key)}?location=peer${query}`,
      headers: owner.headers,
    });
  /** The Range headers of the GetObject requests the S3 peer received since `from` (bytes are counted asynchronously). */
  const rangesRequested = (from: number) =>
    peer.server.stats.requestLog
      .slice(from)
      .filter((entry) => entry.op === 'GetObject')
      .map((entry) => entry.headers.range);

  before(async () => {
    peer = await startS3Peer();
    platform = await buildTestApp({ apps: [odhTecApp], databaseUrl: await newDatabaseUrl(), listen: true });
    owner = await platform.createUser('downloader');
    await addPeerConnection(platform, owner, peer);
    await peer.put('models', UNICODE_KEY, TEXT);
    large = randomBytes(3 * MiB);
    await peer.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'big.bin', Body: large }));
  });
  after(async () => {
    await platform.close();
    await peer.close();
  });

  test('a Unicode key downloads whole with length, type, validators and an RFC 6266 file name (acceptance 2, 6)', async () => {
    const response = await download(UNICODE_KEY);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.body, TEXT);
    assert.equal(response.headers['content-length'], String(Buffer.byteLength(TEXT)));
    assert.equal(response.headers['content-type'], 'application/octet-stream');
    assert.equal(response.headers['accept-ranges'], 'bytes');
    assert.equal(
      response.headers['content-disposition'],
      `attachment; filename="Capture d'_cran __.txt"; filename*=UTF-8''Capture%20d%27%C3%A9cran%20%E6%97%A5%E6%9C%AC.txt`,
    );
    assert.match(String(response.headers.etag), /^"[0-9a-f]{32}"$/);
    assert.ok(!Number.isNaN(Date.parse(String(response.headers['last-modified']))));
  });

  test('ranges -n, a-b and a- answer 206 with Content-Range; a start past the end is 416 (acceptance 6)', async () => {
    const size = Buffer.byteLength(TEXT);
    const bytes = Buffer.from(TEXT);
    const suffix = await download(UNICODE_KEY, { range: 'bytes=-5' });
    assert.equal(suffix.statusCode, 206);
    assert.deepEqual(suffix.rawPayload, bytes.subarray(size - 5));
    assert.equal(suffix.headers['content-range'], `bytes ${size - 5}-${size - 1}/${size}`);
    assert.equal(suffix.headers['content-length'], '5');
    const first = await download(UNICODE_KEY, { range: 'bytes=0-0' });
    assert.equal(first.statusCode, 206);
    assert.deepEqual(first.rawPayload, bytes.subarray(0, 1));
    assert.equal(first.headers['content-range'], `bytes 0-0/${size}`);
    const tail = await download(UNICODE_KEY, { range: 'bytes=9-' });
    assert.deepEqual(tail.rawPayload, bytes.subarray(9));
    const beyond = await download(UNICODE_KEY, { range: 'bytes=999999999-' });
    assert.equal(beyond.statusCode, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${size}`);
    assert.equal(beyond.json().error.code, 'invalid_range');
    const several = await download(UNICODE_KEY, { range: 'bytes=0-1,4-5' });
    assert.equal(several.statusCode, 200);
    assert.equal(several.body, TEXT);
  });

  test('HEAD answers the same headers without a body', async () => {
    const whole = await download(UNICODE_KEY, {}, 'HEAD');
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.headers['content-length'], String(Buffer.byteLength(TEXT)));
    assert.equal(whole.rawPayload.length, 0);
    const ranged = await download(UNICODE_KEY, { range: 'bytes=-5' }, 'HEAD');
    assert.equal(ranged.statusCode, 206);
    assert.equal(ranged.headers['content-length'], '5');
  });

  test('a multi-MiB object streams through unchanged, and a range of it reads only that range', async () => {
    const response = await download('big.bin');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-length'], String(large.length));
    assert.equal(
      createHash('sha256').update(response.rawPayload).digest('hex'),
      createHash('sha256').update(large).digest('hex'),
    );
    const logged = peer.server.stats.requestLog.length;
    const middle = await download('big.bin', { range: `bytes=${MiB}-${MiB + 9}` });
    assert.deepEqual(middle.rawPayload, large.subarray(MiB, MiB + 10));
    assert.deepEqual(rangesRequested(logged), [`bytes=${MiB}-${MiB + 9}`]);
  });

  test('over real HTTP the object streams with its length; a client leaving mid-body does not disturb the next one', async () => {
    const url = `${baseUrl(platform)}${API}/objects/download/models/${encodeKey('big.bin')}?location=peer`;
    const abandoned = await fetch(url, { headers: owner.headers });
    assert.equal(abandoned.headers.get('content-length'), String(large.length));
    const reader = abandoned.body!.getReader();
    const firstChunk = await reader.read();
    assert.ok(firstChunk.value && firstChunk.value.length < large.length, 'the body arrives in pieces');
    await reader.cancel();
    const complete = await fetch(url, { headers: owner.headers });
    assert.equal(complete.status, 200);
    assert.deepEqual(Buffer.from(await complete.arrayBuffer()), large);
  });

  test('missing objects, bad keys and other users are refused with the spec codes', async () => {
    const missing = await download('nope.txt');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'object_not_found');
    const badKey = await platform.app.inject({
      url: `${API}/objects/download/models/a*b?location=peer`,
      headers: owner.headers,
    });
    assert.equal(badKey.statusCode, 400);
    assert.equal(badKey.json().error.code, 'invalid_encoded_key');
    const stranger = await platform.createUser('stranger');
    const foreign = await platform.app.inject({
      url: `${API}/objects/download/models/${encodeKey(UNICODE_KEY)}?location=peer`,
      headers: stranger.headers,
    });
    assert.equal(foreign.statusCode, 404);
    assert.equal(foreign.json().error.code, 'location_not_found');
    assert.equal(
      (await platform.app.inject({ url: `${API}/objects/view/models/${encodeKey(UNICODE_KEY)}` })).statusCode,
      401,
    );
  });

  test('a preview reads only the first MiB of a large object and says it is truncated (acceptance 23)', async () => {
    const text = Buffer.alloc(3 * MiB, 'line of text\n');
    await peer.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'huge.log', Body: text }));
    const logged = peer.server.stats.requestLog.length;
    const response = await view('huge.log');
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(rangesRequested(logged), [`bytes=0-${MiB - 1}`]);
    assert.equal(response.rawPayload.length, MiB);
    assert.equal(response.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(response.headers['x-object-size'], String(text.length));
    assert.equal(response.headers['x-truncated'], 'true');
    const small = await view('huge.log', '&maxBytes=13');
    assert.equal(small.body, 'line of text\n');
    const tooMuch = await view('huge.log', `&maxBytes=${10 * MiB + 1}`);
    assert.equal(tooMuch.statusCode, 400);
  });

  test('previews are typed by content: UTF-8 text, PNG, HTML as plain text, all sandboxed (acceptance 23)', async () => {
    const text = await view(UNICODE_KEY);
    assert.equal(text.body, TEXT);
    assert.equal(text.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(text.headers['x-truncated'], 'false');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    await peer.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'pixel.png', Body: png }));
    assert.equal((await view('pixel.png')).headers['content-type'], 'image/png');
    await peer.put('models', 'page.html', '<html><script>alert(1)</script></html>');
    const html = await view('page.html');
    assert.equal(html.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(html.headers['content-security-policy'], 'sandbox');
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    await peer.put('models', 'empty.txt', '');
    const empty = await view('empty.txt');
    assert.equal(empty.statusCode, 200);
    assert.deepEqual(
      [empty.rawPayload.length, empty.headers['x-object-size'], empty.headers['x-truncated']],
      [0, '0', 'false'],
    );
  });
});
