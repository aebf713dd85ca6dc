import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, statfs, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { assertAnonymousRefused, buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';
import { odhTecApp } from '../odh-tec.app.ts';
import { encodeKey } from '../storage/key-codec.ts';

const API = '/odh-tec/api';
const UNICODE_NAME = "Capture d'écran 日本.txt";

/** A multipart body with the given parts (file parts carry a filename). */
function multipart(parts: { name: string; filename?: string; content: string | Buffer }[]) {
  const boundary = `----odh-tec-test-${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = part.filename
      ? `form-data; name="${part.name}"; filename="${part.filename}"`
      : `form-data; name="${part.name}"`;
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    chunks.push(Buffer.from(part.content));
    chunks.push(Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

const errorCode = (response: { json(): { error?: { code?: string } } }) => response.json().error?.code;

describe('odh-tec local storage routes', () => {
  let platform: TestPlatform;
  let owner: TestUser;
  let viewer: TestUser;
  let root: string;
  let outside: string;

  const files = (path: string, query = '') => `${API}/local/files/local-0/${encodeKey(path)}${query}`;
  const get = (url: string, headers: Record<string, string> = {}, user = owner) =>
    platform.app.inject({ url, headers: { ...user.headers, ...headers } });
  const upload = (directory: string, fileName: string, content: string | Buffer, query = '', user = owner) => {
    const body = multipart([{ name: 'file', filename: fileName, content }]);
    return platform.app.inject({
      method: 'POST',
      url: `${API}/local/files/local-0/${directory === '' ? '' : encodeKey(directory)}${query}`,
      payload: body.payload,
      headers: { ...user.headers, 'content-type': body.contentType },
    });
  };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'odh-tec-local-routes-'));
    outside = await mkdtemp(join(tmpdir(), 'odh-tec-local-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'secret');
    platform = await buildTestApp({
      apps: [odhTecApp],
      env: {
        ODH_TEC_EMBEDDED_S3: 'false',
        LOCAL_STORAGE_PATHS: `${root}, ${join(root, 'absent')}`,
        MAX_FILE_SIZE_GB: '0',
      },
    });
    owner = await platform.createUser('local-owner');
    viewer = await platform.createUser('local-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  test('the local roots are locations with availability and statfs usage, also in GET /api/locations', async () => {
    const local = await get(`${API}/local/locations`, {}, viewer);
    assert.equal(local.statusCode, 200, local.body);
    const [first, second] = local.json().locations;
    assert.deepEqual(
      { ...first, usage: undefined },
      {
        id: 'local-0',
        name: basename(root),
        type: 'local',
        source: 'env',
        available: true,
        readOnly: false,
        usage: undefined,
      },
    );
    assert.ok(first.usage.totalBytes >= first.usage.freeBytes && first.usage.freeBytes > 0);
    assert.deepEqual(second, {
      id: 'local-1',
      name: 'absent',
      type: 'local',
      source: 'env',
      available: false,
      readOnly: false,
    });
    const all = await get(`${API}/locations`, {}, viewer);
    assert.deepEqual(
      all.json().locations.map((location: { id: string }) => location.id),
      ['local-0', 'local-1'],
    );
  });

  test('traversal, absolute paths and a symlink to / answer 403 path_outside_root (acceptance 17)', async () => {
    await mkdir(join(root, 'traversal'));
    await symlink('/', join(root, 'traversal/to-root'));
    for (const path of ['../x', '..%2fx', '/etc/passwd', 'traversal/to-root', 'traversal/to-root/etc/passwd']) {
      for (const url of [
        files(path),
        `${API}/local/download/local-0/${encodeKey(path)}`,
        `${API}/local/view/local-0/${encodeKey(path)}`,
      ]) {
        const response = await get(url);
        assert.equal(response.statusCode, 403, `${url}: ${response.body}`);
        assert.equal(errorCode(response), 'path_outside_root');
      }
    }
    const uploadOut = await upload('traversal/to-root/tmp', 'x.txt', 'x');
    assert.equal(errorCode(uploadOut), 'path_outside_root');
    const mkdirOut = await platform.app.inject({
      method: 'POST',
      url: `${API}/local/directories/local-0/${encodeKey('../made')}`,
      headers: owner.headers,
    });
    assert.equal(errorCode(mkdirOut), 'path_outside_root');
    const deleteOut = await platform.app.inject({ method: 'DELETE', url: files('../x'), headers: owner.headers });
    assert.equal(errorCode(deleteOut), 'path_outside_root');
    const listed = await get(files('traversal'));
    assert.deepEqual(listed.json().files, [
      {
        name: 'to-root',
        path: 'traversal/to-root',
        type: 'symlink',
        size: 0,
        modified: listed.json().files[0].modified,
      },
    ]);
  });

  test('a symlink inside the root is listed as symlink and readable; one leading outside hides its size and is 403', async () => {
    await mkdir(join(root, 'links'));
    await writeFile(join(root, 'links/target.txt'), 'inside');
    await symlink('target.txt', join(root, 'links/inner-link'));
    await symlink(join(outside, 'secret.txt'), join(root, 'links/outer-link'));
    const listed = await get(files('links'));
    assert.deepEqual(
      listed
        .json()
        .files.map((file: { name: string; type: string; size: number }) => [file.name, file.type, file.size]),
      [
        ['inner-link', 'symlink', 6],
        ['outer-link', 'symlink', 0],
        ['target.txt', 'file', 6],
      ],
    );
    const inner = await get(`${API}/local/download/local-0/${encodeKey('links/inner-link')}`);
    assert.equal(inner.statusCode, 200);
    assert.equal(inner.body, 'inside');
    const outer = await get(`${API}/local/download/local-0/${encodeKey('links/outer-link')}`);
    assert.equal(outer.statusCode, 403);
    assert.equal(errorCode(outer), 'path_outside_root');
  });

  test('upload 201, the same name again 409 file_exists, then ?overwrite=true replaces it atomically', async () => {
    const first = await upload('uploads', 'model.bin', 'first');
    assert.equal(first.statusCode, 201, first.body);
    assert.deepEqual(first.json(), { message: 'File uploaded successfully', path: 'uploads/model.bin', size: 5 });
    const again = await upload('uploads', 'model.bin', 'second');
    assert.equal(again.statusCode, 409);
    assert.equal(errorCode(again), 'file_exists');
    assert.equal(await readFile(join(root, 'uploads/model.bin'), 'utf8'), 'first');
    const replaced = await upload('uploads', 'model.bin', 'second', '?overwrite=true');
    assert.equal(replaced.statusCode, 201, replaced.body);
    assert.equal(await readFile(join(root, 'uploads/model.bin'), 'utf8'), 'second');
    assert.deepEqual(await readdir(join(root, 'uploads')), ['model.bin'], 'no part file is left behind');
  });

  test('an upload declaring more than statfs free − 1 GiB answers 507 insufficient_storage and writes nothing', async () => {
    const { bavail, bsize } = await statfs(root);
    // Exactly the free space: more than free − 1 GiB.
    const tooBig = bavail * bsize;
    const refused = await upload('full', 'huge.bin', 'tiny', `?size=${tooBig}`);
    assert.equal(refused.statusCode, 507, refused.body);
    assert.equal(errorCode(refused), 'insufficient_storage');
    const fits = await upload('full', 'small.bin', 'tiny', `?size=${4}`);
    assert.equal(fits.statusCode, 201, fits.body);
    assert.deepEqual(await readdir(join(root, 'full')), ['small.bin']);
  });

  test('mkdir 201 then 409; recursive delete reports itemCount (acceptance 17)', async () => {
    const made = await platform.app.inject({
      method: 'POST',
      url: `${API}/local/directories/local-0/${encodeKey('tree/a/b')}`,
      headers: owner.headers,
    });
    assert.equal(made.statusCode, 201, made.body);
    assert.deepEqual(made.json(), { path: 'tree/a/b' });
    const twice = await platform.app.inject({
      method: 'POST',
      url: `${API}/local/directories/local-0/${encodeKey('tree/a/b')}`,
      headers: owner.headers,
    });
    assert.equal(errorCode(twice), 'file_exists');
    await upload('tree/a', 'one.txt', '1');
    await upload('tree/a/b', 'two.txt', '2');
    const deleted = await platform.app.inject({ method: 'DELETE', url: files('tree'), headers: owner.headers });
    assert.equal(deleted.statusCode, 200, deleted.body);
    assert.deepEqual(deleted.json(), { deleted: true, itemCount: 5 });
    assert.equal(errorCode(await get(files('tree'))), 'file_not_found');
  });

  test('Unicode names upload, list and download whole or by range with an RFC 6266 file name', async () => {
    const content = 'Bonjour, 世界! 0123456789';
    const size = Buffer.byteLength(content);
    assert.equal((await upload('unicode', UNICODE_NAME, content)).statusCode, 201);
    const listed = await get(files('unicode'));
    assert.equal(listed.json().files[0].name, UNICODE_NAME);
    assert.equal(listed.json().currentPath, 'unicode');
    assert.equal(listed.json().parentPath, '');
    const url = `${API}/local/download/local-0/${encodeKey(`unicode/${UNICODE_NAME}`)}`;
    const whole = await get(url);
    assert.equal(whole.statusCode, 200);
    assert.equal(whole.body, content);
    assert.equal(whole.headers['content-length'], String(size));
    assert.equal(whole.headers['accept-ranges'], 'bytes');
    assert.equal(
      whole.headers['content-disposition'],
      `attachment; filename="Capture d'_cran __.txt"; filename*=UTF-8''Capture%20d%27%C3%A9cran%20%E6%97%A5%E6%9C%AC.txt`,
    );
    const suffix = await get(url, { range: 'bytes=-5' });
    assert.equal(suffix.statusCode, 206);
    assert.deepEqual(suffix.rawPayload, Buffer.from(content).subarray(size - 5));
    assert.equal(suffix.headers['content-range'], `bytes ${size - 5}-${size - 1}/${size}`);
    const middle = await get(url, { range: 'bytes=2-4' });
    assert.deepEqual(middle.rawPayload, Buffer.from(content).subarray(2, 5));
    const beyond = await get(url, { range: 'bytes=9999-' });
    assert.equal(beyond.statusCode, 416);
    assert.equal(beyond.headers['content-range'], `bytes */${size}`);
    assert.equal(errorCode(beyond), 'invalid_range');
    const head = await platform.app.inject({ method: 'HEAD', url, headers: owner.headers });
    assert.equal(head.headers['content-length'], String(size));
    assert.equal(head.rawPayload.length, 0);
  });

  test('view serves the head as text/plain or by image magic, with nosniff and a sandbox CSP', async () => {
    await mkdir(join(root, 'view'));
    await writeFile(join(root, 'view/page.html'), '<script>alert(1)</script>');
    await writeFile(join(root, 'view/pixel.dat'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]));
    const html = await get(`${API}/local/view/local-0/${encodeKey('view/page.html')}?maxBytes=8`);
    assert.equal(html.statusCode, 200);
    assert.equal(html.body, '<script>');
    assert.equal(html.headers['content-type'], 'text/plain; charset=utf-8');
    assert.equal(html.headers['x-content-type-options'], 'nosniff');
    assert.equal(html.headers['content-security-policy'], 'sandbox');
    assert.equal(html.headers['x-truncated'], 'true');
    assert.equal(html.headers['x-object-size'], '25');
    const png = await get(`${API}/local/view/local-0/${encodeKey('view/pixel.dat')}`);
    assert.equal(png.headers['content-type'], 'image/png');
  });

  test('listing pages with limit and offset and counts every entry', async () => {
    await mkdir(join(root, 'paged'));
    for (const name of ['c', 'a', 'b']) await writeFile(join(root, 'paged', name), name);
    const page = await get(files('paged', '?limit=2&offset=1'));
    assert.deepEqual(
      page.json().files.map((file: { name: string }) => file.name),
      ['b', 'c'],
    );
    assert.equal(page.json().totalCount, 3);
    const rootPage = await get(`${API}/local/files/local-0/`);
    assert.equal(rootPage.statusCode, 200, rootPage.body);
    assert.equal(rootPage.json().currentPath, '');
    assert.equal(rootPage.json().parentPath, null);
  });

  test('route matrix: anonymous refused everywhere; a viewer reads but cannot upload, mkdir or delete', async () => {
    const publicRoutes = await assertAnonymousRefused(platform, `${API}/local`);
    assert.deepEqual(publicRoutes, []);
    await writeFile(join(root, 'kept.txt'), 'kept');
    assert.equal((await get(`${API}/local/files/local-0/`, {}, viewer)).statusCode, 200);
    assert.equal((await get(`${API}/local/download/local-0/${encodeKey('kept.txt')}`, {}, viewer)).statusCode, 200);
    const attempts = [
      await upload('', 'viewer.txt', 'v', '', viewer),
      await platform.app.inject({
        method: 'POST',
        url: `${API}/local/directories/local-0/${encodeKey('viewer-dir')}`,
        headers: viewer.headers,
      }),
      await platform.app.inject({ method: 'DELETE', url: files('kept.txt'), headers: viewer.headers }),
    ];
    for (const response of attempts) {
      assert.ok([403, 404].includes(response.statusCode), response.body);
      assert.ok(errorCode(response));
    }
    assert.equal(await readFile(join(root, 'kept.txt'), 'utf8'), 'kept');
    const names = await readdir(root);
    assert.ok(!names.includes('viewer.txt') && !names.includes('viewer-dir'));
  });

  test('bad input answers 4xx with the error shape, never 500', async () => {
    await mkdir(join(root, 'bad'));
    await writeFile(join(root, 'bad/file.txt'), 'f');
    const cases: [Promise<{ statusCode: number; json(): { error?: { code?: string } } }>, number, string][] = [
      [get(`${API}/local/files/local-0/a*b`), 400, 'invalid_encoded_key'],
      [get(`${API}/local/files/local-0/..%2f`), 400, 'invalid_encoded_key'],
      [get(`${API}/local/files/local-9/${encodeKey('x')}`), 404, 'location_not_found'],
      [get(`${API}/local/files/local-1/`), 404, 'location_not_found'],
      [get(files('bad', '?limit=5000')), 400, 'validation_failed'],
      [get(files('bad/file.txt')), 400, 'not_a_directory'],
      [get(`${API}/local/download/local-0/${encodeKey('bad')}`), 400, 'not_a_file'],
      [get(`${API}/local/download/local-0/${encodeKey('bad/nope.txt')}`), 404, 'file_not_found'],
      [
        platform.app.inject({ method: 'DELETE', url: `${API}/local/files/local-0/`, headers: owner.headers }),
        400,
        'invalid_path',
      ],
      [
        platform.app.inject({ method: 'POST', url: files('bad'), payload: {}, headers: owner.headers }),
        400,
        'missing_file',
      ],
      [upload('bad/file.txt', 'inner.txt', 'x'), 400, 'not_a_directory'],
      [upload('bad', '..', 'x'), 400, 'invalid_file_name'],
    ];
    const twoFiles = multipart([
      { name: 'file', filename: 'one.txt', content: '1' },
      { name: 'file', filename: 'two.txt', content: '2' },
    ]);
    cases.push([
      platform.app.inject({
        method: 'POST',
        url: files('bad'),
        payload: twoFiles.payload,
        headers: { ...owner.headers, 'content-type': twoFiles.contentType },
      }),
      400,
      'too_many_files',
    ]);
    const fieldOnly = multipart([{ name: 'note', content: 'no file here' }]);
    cases.push([
      platform.app.inject({
        method: 'POST',
        url: files('bad'),
        payload: fieldOnly.payload,
        headers: { ...owner.headers, 'content-type': fieldOnly.contentType },
      }),
      400,
      'missing_file',
    ]);
    for (const [pending, status, code] of cases) {
      const response = await pending;
      assert.equal(response.statusCode, status, `${code}: ${JSON.stringify(response.json())}`);
      assert.equal(errorCode(response), code);
    }
    assert.deepEqual(await readdir(join(root, 'bad')), ['file.txt'], 'no refused upload left a file');
  });

  test('uploads are limited to 20 per minute per user (429 rate_limited)', async () => {
    const busy = await platform.createUser('local-busy');
    for (let index = 0; index < 20; index++) {
      const response = await upload('busy', `f${index}.txt`, 'x', '', busy);
      assert.equal(response.statusCode, 201, response.body);
    }
    const limited = await upload('busy', 'f20.txt', 'x', '', busy);
    assert.equal(limited.statusCode, 429);
    assert.equal(errorCode(limited), 'rate_limited');
    const other = await upload('busy', 'other.txt', 'x');
    assert.equal(other.statusCode, 201, 'another user keeps their own budget');
  });
});

describe('odh-tec local uploads with a size limit and extension lists', () => {
  let platform: TestPlatform;
  let user: TestUser;
  let root: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'odh-tec-local-limits-'));
    platform = await buildTestApp({
      apps: [odhTecApp],
      env: {
        ODH_TEC_EMBEDDED_S3: 'false',
        LOCAL_STORAGE_PATHS: root,
        // 1 KiB: small enough to exceed in a test.
        MAX_FILE_SIZE_GB: String(1 / (1024 * 1024)),
        ALLOWED_FILE_EXTENSIONS: '.txt,bin',
        ALLOWED_FILE_EXTENSIONS_APPEND: 'tar.gz',
        BLOCKED_FILE_EXTENSIONS_APPEND: 'secret.txt',
      },
    });
    user = await platform.createUser('local-limited');
  });
  after(async () => {
    await platform.close();
    await rm(root, { recursive: true, force: true });
  });

  const post = (fileName: string, content: string | Buffer, query = '') => {
    const body = multipart([{ name: 'file', filename: fileName, content }]);
    return platform.app.inject({
      method: 'POST',
      url: `${API}/local/files/local-0/${query}`,
      payload: body.payload,
      headers: { ...user.headers, 'content-type': body.contentType },
    });
  };

  test('over MAX_FILE_SIZE_GB is 413 file_too_large, declared or streamed; nothing is kept', async () => {
    const streamed = await post('big.bin', Buffer.alloc(2048, 1), '?size=10');
    assert.equal(streamed.statusCode, 413, streamed.body);
    assert.equal(errorCode(streamed), 'file_too_large');
    const declared = await post('big.bin', 'x', '?size=5000');
    assert.equal(errorCode(declared), 'file_too_large');
    assert.equal((await post('ok.bin', Buffer.alloc(1000, 1), '?size=1000')).statusCode, 201);
    assert.deepEqual(await readdir(root), ['ok.bin']);
  });

  test('the allow list (with its _APPEND) and the block list decide by extension: 400 extension_not_allowed', async () => {
    assert.equal((await post('notes.TXT', 'n')).statusCode, 201);
    assert.equal((await post('archive.tar.gz', 'a')).statusCode, 201);
    for (const name of ['run.exe', 'noextension', 'my.secret.txt']) {
      const refused = await post(name, 'x');
      assert.equal(refused.statusCode, 400, name);
      assert.equal(errorCode(refused), 'extension_not_allowed');
    }
  });
});
