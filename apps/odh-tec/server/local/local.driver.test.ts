import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { LocalDriver } from './local.driver.ts';
import type { FsUsage } from './local-roots.ts';
import { normaliseRelativePath, resolveSafePath } from './safe-path.ts';

const GiB = 1024 ** 3;

/** A driver over a fresh temp root, removed when the test ends. */
async function driverIn(t: test.TestContext, options: { maxFileBytes?: number; free?: () => number } = {}) {
  const root = await mkdtemp(join(tmpdir(), 'odh-tec-local-driver-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const statfs = async (): Promise<FsUsage> => ({ bsize: 1, blocks: 100 * GiB, bavail: options.free?.() ?? 50 * GiB });
  const driver = new LocalDriver(
    { id: 'local-0', name: 'root', root },
    { maxFileBytes: options.maxFileBytes ?? 0, statfs },
  );
  return { root, driver };
}

const streamOf = (...chunks: (string | Buffer)[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

test('normalisation keeps clean relative paths and refuses NUL, absolute paths and `..`, also percent-encoded', () => {
  assert.equal(normaliseRelativePath(''), '');
  assert.equal(normaliseRelativePath('a//b/./c/'), 'a/b/c');
  assert.equal(normaliseRelativePath('a/../b'), 'b');
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', '..', '..%2fx', '%2e%2e/x', '..%252fx', 'a\0b', 'a\\..\\x']) {
    assert.throws(() => normaliseRelativePath(bad), { code: 'path_outside_root' }, bad);
  }
});

test('a symlinked parent leading outside the root is refused, even for paths that do not exist yet', async (t) => {
  const { root } = await driverIn(t);
  await symlink('/', join(root, 'escape'));
  await assert.rejects(resolveSafePath(root, 'escape/etc/passwd', { followFinal: true }), {
    code: 'path_outside_root',
  });
  await assert.rejects(resolveSafePath(root, 'escape/new/file', { followFinal: false }), { code: 'path_outside_root' });
  await assert.rejects(resolveSafePath(root, 'escape', { followFinal: true }), { code: 'path_outside_root' });
  const link = await resolveSafePath(root, 'escape', { followFinal: false });
  assert.ok(link.stats?.isSymbolicLink(), 'without following, the link itself is the target (delete)');
});

test('write is atomic through a part file, refuses an existing file unless overwrite, and creates parents', async (t) => {
  const { root, driver } = await driverIn(t);
  assert.deepEqual(await driver.write('models/a.txt', streamOf('one')), { path: 'models/a.txt', size: 3 });
  await assert.rejects(driver.write('models/a.txt', streamOf('two')), { code: 'file_exists' });
  assert.equal(await readFile(join(root, 'models/a.txt'), 'utf8'), 'one');
  await driver.write('models/a.txt', streamOf('three'), { overwrite: true });
  assert.equal(await readFile(join(root, 'models/a.txt'), 'utf8'), 'three');
  await assert.rejects(driver.write('models', streamOf('x'), { overwrite: true }), { code: 'file_exists' });
  const failing = driver.write('models/b.txt', streamOf('data'), {
    beforeCommit: async () => {
      assert.equal((await readdir(join(root, 'models'))).filter((name) => name.includes('.odh-tec-part-')).length, 1);
      throw new Error('refused late');
    },
  });
  await assert.rejects(failing, /refused late/);
  assert.deepEqual(await readdir(join(root, 'models')), ['a.txt'], 'no part file and no target remain');
});

test('a write that fits is stored, the next one over statfs free − 1 GiB is 507 (fake statfs)', async (t) => {
  let free = 3 * GiB;
  const { root, driver } = await driverIn(t, { free: () => free });
  await driver.write('first.bin', streamOf('0123456789'), { size: 10 });
  free = GiB + 5;
  await assert.rejects(driver.write('second.bin', streamOf('0123456789'), { size: 10 }), {
    code: 'insufficient_storage',
    statusCode: 507,
  });
  assert.deepEqual(await readdir(root), ['first.bin']);
  assert.deepEqual(await driver.usage(), { totalBytes: 100 * GiB, freeBytes: GiB + 5 });
});

test('MAX_FILE_SIZE_GB is enforced on the declared size and on the bytes actually streamed', async (t) => {
  const { root, driver } = await driverIn(t, { maxFileBytes: 8 });
  await assert.rejects(driver.write('declared.bin', streamOf('x'), { size: 9 }), { code: 'file_too_large' });
  await assert.rejects(driver.write('streamed.bin', streamOf('1234', '56789')), { code: 'file_too_large' });
  assert.deepEqual(await readdir(root), []);
  await driver.write('exact.bin', streamOf('12345678'));
  assert.deepEqual(await readdir(root), ['exact.bin']);
});

test('list pages directories first, hides part files, and reports symlinks; delete counts every entry', async (t) => {
  const { root, driver } = await driverIn(t);
  await mkdir(join(root, 'tree/deeper'), { recursive: true });
  await writeFile(join(root, 'tree/deeper/x.bin'), 'xx');
  await writeFile(join(root, 'tree/y.bin'), 'y');
  await writeFile(join(root, 'b.txt'), 'bbb');
  await writeFile(join(root, '.b.txt.odh-tec-part-2f1c3a4e-8a8b-4c1d-9e2f-0123456789ab'), 'partial');
  await symlink(join(root, 'b.txt'), join(root, 'a-link'));
  const page = await driver.list('', { limit: 2, offset: 0 });
  assert.equal(page.totalCount, 3);
  assert.deepEqual(
    page.files.map((file) => [file.name, file.type, file.size]),
    [
      ['tree', 'directory', 0],
      ['a-link', 'symlink', 3],
    ],
  );
  assert.deepEqual(
    (await driver.list('', { limit: 2, offset: 2 })).files.map((file) => file.path),
    ['b.txt'],
  );
  assert.deepEqual(await driver.delete('a-link'), { itemCount: 1 });
  assert.equal(await readFile(join(root, 'b.txt'), 'utf8'), 'bbb', 'deleting a link keeps its target');
  assert.deepEqual(await driver.delete('tree'), { itemCount: 4 });
  await assert.rejects(driver.stat('tree'), { code: 'file_not_found' });
});

test('read streams a byte range; directories, missing paths and the root refuse the wrong operations', async (t) => {
  const { root, driver } = await driverIn(t);
  await writeFile(join(root, 'data.txt'), '0123456789');
  const { stream, size } = await driver.read('data.txt', { start: 2, end: 4 });
  assert.equal(size, 10);
  assert.equal(Buffer.concat(await stream.toArray()).toString(), '234');
  await driver.mkdir('dir/sub');
  await assert.rejects(driver.mkdir('dir/sub'), { code: 'file_exists' });
  await assert.rejects(driver.read('dir'), { code: 'not_a_file' });
  await assert.rejects(driver.list('data.txt', { limit: 10, offset: 0 }), { code: 'not_a_directory' });
  await assert.rejects(driver.read('missing.txt'), { code: 'file_not_found' });
  await assert.rejects(driver.delete(''), { code: 'invalid_path' });
  await assert.rejects(driver.write('data.txt/inner', streamOf('x')), { code: 'not_a_directory' });
});
