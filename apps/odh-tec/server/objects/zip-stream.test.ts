import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type ZipEntry, zipEntryName, zipStream } from './zip-stream.ts';

const entry = (name: string, chunks: Buffer[]): ZipEntry => ({
  name,
  size: chunks.reduce((sum, chunk) => sum + chunk.length, 0),
  modified: new Date('2024-05-06T07:08:10Z'),
  open: async () => chunks,
});

async function* listOf(entries: ZipEntry[]) {
  yield* entries;
}

async function archiveOf(entries: ZipEntry[], forceZip64 = false): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of zipStream(listOf(entries), { forceZip64 })) parts.push(part);
  return Buffer.concat(parts);
}

/** Runs the system `unzip` on the archive: `-t` checks every CRC, `-Z1` lists names, `-p` extracts one entry. */
function unzip(archive: Buffer, ...args: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'zip-stream-'));
  try {
    writeFileSync(join(dir, 'a.zip'), archive);
    return execFileSync('unzip', [...args, join(dir, 'a.zip')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sample = () => [
  entry('hello.txt', [Buffer.from('hello '), Buffer.from('world\n')]),
  entry('dir/日本.bin', [Buffer.alloc(70_000, 7), Buffer.from([1, 2, 3])]),
  entry('empty', []),
];

for (const forceZip64 of [false, true]) {
  test(`a stored archive${forceZip64 ? ' with zip64 records' : ''} passes unzip -t with UTF-8 names`, async () => {
    const archive = await archiveOf(sample(), forceZip64);
    assert.match(unzip(archive, '-t'), /No errors detected/);
    assert.deepEqual(unzip(archive, '-Z1').trim().split('\n'), ['hello.txt', 'dir/日本.bin', 'empty']);
    const zip64End = archive.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06]));
    assert.equal(zip64End >= 0, forceZip64);
    const dir = mkdtempSync(join(tmpdir(), 'zip-stream-'));
    try {
      writeFileSync(join(dir, 'a.zip'), archive);
      const extracted = execFileSync('unzip', ['-p', join(dir, 'a.zip'), 'hello.txt'], { encoding: 'utf8' });
      assert.equal(extracted, 'hello world\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('more than 65,535 entries switch the end record to zip64', async () => {
  const many = Array.from({ length: 65_536 }, (_, index) => entry(`f${index}`, [Buffer.from('x')]));
  const archive = await archiveOf(many);
  assert.ok(archive.indexOf(Buffer.from([0x50, 0x4b, 0x06, 0x06])) > 0);
  const end = archive.subarray(archive.length - 22);
  assert.equal(end.readUInt16LE(10), 0xffff);
  assert.match(unzip(archive, '-t'), /No errors detected/);
});

test('a corrupted byte is caught by the CRC-32 in the archive', async () => {
  const archive = await archiveOf(sample());
  const at = archive.indexOf('hello world');
  archive[at] = 'j'.charCodeAt(0);
  assert.throws(() => unzip(archive, '-t'));
});

test('entry names are the keys below the prefix with .. and . segments dropped', () => {
  assert.equal(zipEntryName('data/a/b.txt', 'data/'), 'a/b.txt');
  assert.equal(zipEntryName('data/../../etc/passwd', 'data/'), 'etc/passwd');
  assert.equal(zipEntryName('data/./x//y', 'data/'), 'x/y');
  assert.equal(zipEntryName('data/..', 'data/'), '');
});
