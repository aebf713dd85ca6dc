// awscli (the system package) against the server: high-level `s3` commands and `s3api` operations, byte-exact.
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { requireTool, run, scratchDir, writeRandomFile } from './cli-tools.ts';
import { CREDENTIALS, md5, sha256, startHarness } from './harness.ts';
import { send } from './raw-client.ts';

const MiB = 1024 * 1024;

test('awscli: mb, multipart cp, sync, ls, s3api operations, presign and rm', async (t) => {
  const aws = await requireTool(t, ['/usr/bin/aws', 'aws'], ['--version'], 'awscli');
  if (!aws) return;
  const { server } = await startHarness(t);
  const work = await scratchDir(t);
  const configFile = join(work, 'config');
  await writeFile(configFile, '[default]\nregion = us-east-1\ns3 =\n  addressing_style = path\n');
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
  };
  const cli = async (...args: string[]) => (await run(aws, ['--endpoint-url', server.url, ...args], env, work)).stdout;
  const api = async (...args: string[]) => JSON.parse((await cli('s3api', ...args, '--output', 'json')) || '{}');

  await cli('s3', 'mb', 's3://cli');
  const big = await writeRandomFile(join(work, 'big.bin'), 40 * MiB, 5);
  await cli('s3', 'cp', 'big.bin', 's3://cli/big.bin');
  assert.ok((server.stats.requests.UploadPart ?? 0) >= 2, 'a 40 MiB cp uses multipart');
  await cli('s3', 'cp', 's3://cli/big.bin', 'big.out');
  assert.equal(sha256(await readFile(join(work, 'big.out'))), sha256(big));

  await mkdir(join(work, 'tree/sub'), { recursive: true });
  const files: Record<string, Buffer> = {
    'a.txt': await writeRandomFile(join(work, 'tree/a.txt'), 1000, 1),
    'sub/b é.txt': await writeRandomFile(join(work, 'tree/sub/b é.txt'), 70_000, 2),
  };
  await cli('s3', 'sync', 'tree', 's3://cli/tree/');
  const listing = await cli('s3', 'ls', '--recursive', 's3://cli/tree/');
  assert.match(listing, /tree\/a\.txt/);
  assert.match(listing, /tree\/sub\/b é\.txt/);
  await cli('s3', 'sync', 's3://cli/tree/', 'back');
  for (const [name, data] of Object.entries(files))
    assert.equal(sha256(await readFile(join(work, 'back', name))), sha256(data));

  for (let index = 0; index < 5; index++)
    await api('put-object', '--bucket', 'cli', '--key', `page/${index}`, '--body', 'big.bin');
  const paged = await api('list-objects-v2', '--bucket', 'cli', '--prefix', 'page/', '--page-size', '2');
  assert.equal(paged.Contents.length, 5);
  assert.ok(server.stats.requests.ListObjectsV2 >= 3, 'page size 2 needs three requests');

  await writeFile(join(work, 'small.txt'), 'hello from awscli');
  const put = await api('put-object', '--bucket', 'cli', '--key', 'small.txt', '--body', 'small.txt');
  assert.equal(put.ETag, `"${md5('hello from awscli')}"`);
  await api('copy-object', '--bucket', 'cli', '--key', 'copied.txt', '--copy-source', 'cli/small.txt');
  await api('get-object', '--bucket', 'cli', '--key', 'copied.txt', '--range', 'bytes=0-4', 'range.out');
  assert.equal(await readFile(join(work, 'range.out'), 'utf8'), 'hello');

  const { UploadId } = await api('create-multipart-upload', '--bucket', 'cli', '--key', 'mpu.bin');
  await api(
    'upload-part-copy',
    '--bucket',
    'cli',
    '--key',
    'mpu.bin',
    '--upload-id',
    UploadId,
    '--part-number',
    '1',
    '--copy-source',
    'cli/big.bin',
    '--copy-source-range',
    `bytes=0-${5 * MiB - 1}`,
  );
  const uploads = await api('list-multipart-uploads', '--bucket', 'cli');
  assert.deepEqual(
    uploads.Uploads.map((upload: { UploadId: string }) => upload.UploadId),
    [UploadId],
  );
  await api('abort-multipart-upload', '--bucket', 'cli', '--key', 'mpu.bin', '--upload-id', UploadId);
  assert.equal((await api('list-multipart-uploads', '--bucket', 'cli')).Uploads, undefined);

  const deleted = await api(
    'delete-objects',
    '--bucket',
    'cli',
    '--delete',
    JSON.stringify({ Objects: [{ Key: 'copied.txt' }] }),
  );
  assert.deepEqual(deleted.Deleted, [{ Key: 'copied.txt' }]);

  const url = (await cli('s3', 'presign', 's3://cli/small.txt', '--expires-in', '60')).trim();
  const fetched = await send(url, 'GET', {});
  assert.equal(fetched.body.toString(), 'hello from awscli');

  await cli('s3', 'rm', '--recursive', 's3://cli/');
  assert.equal((await cli('s3', 'ls', '--recursive', 's3://cli/')).trim(), '');
  await cli('s3', 'rb', 's3://cli');
});
