// s3cmd (the system package) against the server with SigV4: mb, multipart put, ls, get, info, sync, del, rb.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireTool, run, scratchDir, writeRandomFile } from './cli-tools.ts';
import { CREDENTIALS, md5, sha256, startHarness } from './harness.ts';

const MiB = 1024 * 1024;

test('s3cmd: mb, multipart put, ls, get, info, sync, del, rb', async (t) => {
  const s3cmd = await requireTool(t, ['/usr/bin/s3cmd', 's3cmd'], ['--version'], 's3cmd');
  if (!s3cmd) return;
  const { server } = await startHarness(t);
  const work = await scratchDir(t);
  const configFile = join(work, 's3cfg');
  const host = new URL(server.url).host;
  await writeFile(
    configFile,
    [
      '[default]',
      `access_key = ${CREDENTIALS.accessKeyId}`,
      `secret_key = ${CREDENTIALS.secretAccessKey}`,
      `host_base = ${host}`,
      `host_bucket = ${host}`,
      'bucket_location = us-east-1',
      'use_https = False',
      'signature_v2 = False',
      '',
    ].join('\n'),
  );
  const cmd = async (...args: string[]) =>
    (
      await run(
        s3cmd,
        ['-c', configFile, '--no-ssl', `--host=${host}`, `--host-bucket=${host}`, ...args],
        { PATH: process.env.PATH, HOME: work },
        work,
      )
    ).stdout;

  await cmd('mb', 's3://s3c');
  const big = await writeRandomFile(join(work, 'big.bin'), 16 * MiB, 21);
  await cmd('put', '--multipart-chunk-size-mb=5', 'big.bin', 's3://s3c/big.bin');
  assert.equal(server.stats.requests.UploadPart, 4, '16 MiB in 5 MiB chunks is four parts');
  assert.match(await cmd('ls', 's3://s3c'), /s3:\/\/s3c\/big\.bin/);
  await cmd('get', 's3://s3c/big.bin', 'big.out');
  assert.equal(sha256(await readFile(join(work, 'big.out'))), sha256(big));
  const info = await cmd('info', 's3://s3c/big.bin');
  assert.match(info, new RegExp(`File size:\\s+${16 * MiB}`));
  // s3cmd records the whole-file MD5 as metadata for multipart uploads and reports it.
  assert.match(info, new RegExp(md5(big)));

  await mkdir(join(work, 'tree/sub'), { recursive: true });
  const small = await writeRandomFile(join(work, 'tree/sub/s.txt'), 5000, 22);
  await cmd('sync', 'tree/', 's3://s3c/tree/');
  await cmd('get', 's3://s3c/tree/sub/s.txt', 's.out');
  assert.equal(sha256(await readFile(join(work, 's.out'))), sha256(small));

  await cmd('del', 's3://s3c/big.bin');
  await cmd('del', '--recursive', '--force', 's3://s3c/tree/');
  assert.equal((await cmd('ls', '--recursive', 's3://s3c')).trim(), '');
  await cmd('rb', 's3://s3c');
  assert.doesNotMatch(await cmd('ls'), /s3c/);
});
