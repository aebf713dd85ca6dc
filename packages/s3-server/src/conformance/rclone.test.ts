// rclone (the system package) against the server: copy with multipart, lsf, check (MD5), cat, server-side copyto,
// delete and purge, byte-exact.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireTool, run, scratchDir, writeRandomFile } from './cli-tools.ts';
import { CREDENTIALS, sha256, startHarness } from './harness.ts';

const MiB = 1024 * 1024;

test('rclone: copy (multipart), lsf, check, cat, copyto, delete, purge', async (t) => {
  const rclone = await requireTool(t, ['/usr/bin/rclone', 'rclone'], ['version'], 'rclone');
  if (!rclone) return;
  const { server } = await startHarness(t, { buckets: ['rcl'] });
  const work = await scratchDir(t);
  const configFile = join(work, 'rclone.conf');
  await writeFile(configFile, '');
  // The remote is configured entirely through RCLONE_CONFIG_<NAME>_* variables.
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    RCLONE_CONFIG: configFile,
    RCLONE_CONFIG_LOCALS3_TYPE: 's3',
    RCLONE_CONFIG_LOCALS3_PROVIDER: 'Other',
    RCLONE_CONFIG_LOCALS3_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    RCLONE_CONFIG_LOCALS3_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    RCLONE_CONFIG_LOCALS3_ENDPOINT: server.url,
    RCLONE_CONFIG_LOCALS3_REGION: 'us-east-1',
    RCLONE_CONFIG_LOCALS3_FORCE_PATH_STYLE: 'true',
  };
  const rc = async (...args: string[]) => (await run(rclone, args, env, work)).stdout;

  await mkdir(join(work, 'src/nested'), { recursive: true });
  const files: Record<string, Buffer> = {
    'big.bin': await writeRandomFile(join(work, 'src/big.bin'), 21 * MiB, 9),
    'small.txt': await writeRandomFile(join(work, 'src/small.txt'), 3000, 10),
    'nested/ünï code.txt': await writeRandomFile(join(work, 'src/nested/ünï code.txt'), 10, 11),
  };
  await rc('copy', 'src', 'locals3:rcl/data', '--s3-upload-cutoff', '5M', '--s3-chunk-size', '5M');
  assert.ok((server.stats.requests.UploadPart ?? 0) >= 5, 'the 21 MiB file went up in 5 MiB parts');
  const listed = (await rc('lsf', '-R', '--files-only', 'locals3:rcl/data')).trim().split('\n').sort();
  assert.deepEqual(listed, Object.keys(files).sort());
  await rc('check', 'src', 'locals3:rcl/data');
  assert.equal(
    sha256(await rc('cat', 'locals3:rcl/data/nested/ünï code.txt')),
    sha256(files['nested/ünï code.txt'].toString()),
  );

  await rc('copyto', 'locals3:rcl/data/small.txt', 'locals3:rcl/copy/small-copy.txt');
  assert.ok((server.stats.requests.CopyObject ?? 0) >= 1, 'copyto between paths of one remote is server-side');
  await rc('copy', 'locals3:rcl/data', 'back');
  for (const [name, data] of Object.entries(files))
    assert.equal(sha256(await readFile(join(work, 'back', name))), sha256(data));

  await rc('delete', 'locals3:rcl/data/small.txt');
  assert.doesNotMatch(await rc('lsf', '-R', 'locals3:rcl/data'), /small\.txt/);
  await rc('purge', 'locals3:rcl');
  assert.doesNotMatch(await rc('lsf', 'locals3:'), /rcl/);
});
