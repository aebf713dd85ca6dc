import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GetObjectCommand, ListBucketsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { generateKey } from '@platform/kernel/crypto/fernet.ts';
import { MultiFernet } from '@platform/kernel/crypto/multi-fernet.ts';
import { embeddedS3Enabled, startEmbeddedS3 } from './embedded-s3.ts';

test('a fresh start creates the models bucket; a second start on the same DATA_DIR keeps the objects (acceptance 26)', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'odh-tec-embedded-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = new MultiFernet([generateKey()]);

  const first = await startEmbeddedS3({ dataDir, secrets, fsync: false });
  assert.match(first.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const buckets = await first.client.send(new ListBucketsCommand({}));
  assert.deepEqual(
    buckets.Buckets?.map((bucket) => bucket.Name),
    ['models'],
  );
  await first.client.send(new PutObjectCommand({ Bucket: 'models', Key: 'kept/model.bin', Body: 'weights' }));
  await first.stop();
  await assert.rejects(fetch(first.url), 'the stop function closes the listener');

  const second = await startEmbeddedS3({ dataDir, secrets, fsync: false });
  t.after(() => second.stop());
  const object = await second.client.send(new GetObjectCommand({ Bucket: 'models', Key: 'kept/model.bin' }));
  assert.equal(await object.Body!.transformToString(), 'weights');
});

test('the generated credentials are stored encrypted and only the platform keys open them', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'odh-tec-embedded-'));
  t.after(() => rmSync(dataDir, { recursive: true, force: true }));
  const secrets = new MultiFernet([generateKey()]);
  const embedded = await startEmbeddedS3({ dataDir, secrets, fsync: false, bucket: 'my.bucket' });
  await embedded.stop();

  const dir = join(dataDir, 'odh-tec', 's3');
  const stored = readFileSync(join(dir, 'credentials.fernet'), 'utf8').trim();
  const credential = JSON.parse(secrets.decrypt(stored).toString('utf8'));
  assert.ok(credential.secretAccessKey.length >= 32);
  assert.ok(!stored.includes(credential.secretAccessKey) && !stored.includes(credential.accessKeyId));
  assert.ok(readdirSync(join(dir, 'store', 'buckets')).includes('my.bucket'));
  await assert.rejects(startEmbeddedS3({ dataDir, secrets: new MultiFernet([generateKey()]), fsync: false }));
});

test('ODH_TEC_EMBEDDED_S3 switches the server on or off; by default it runs only without an external database', () => {
  assert.equal(embeddedS3Enabled({}, false), true);
  assert.equal(embeddedS3Enabled({}, true), false);
  assert.equal(embeddedS3Enabled({ ODH_TEC_EMBEDDED_S3: 'false' }, false), false);
  assert.equal(embeddedS3Enabled({ ODH_TEC_EMBEDDED_S3: 'off' }, false), false);
  assert.equal(embeddedS3Enabled({ ODH_TEC_EMBEDDED_S3: 'true' }, true), true);
  assert.equal(embeddedS3Enabled({ ODH_TEC_EMBEDDED_S3: 'auto' }, true), false);
});
