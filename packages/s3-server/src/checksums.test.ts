import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checksumOf, compositeChecksum, createChecksummer } from './checksums.ts';

// Check values of the CRC catalogue (https://reveng.sourceforge.io/crc-catalogue/) for the ASCII string "123456789".
const CHECK_INPUT = Buffer.from('123456789');

test('CRC check values match the published catalogue', () => {
  assert.equal(createChecksummer('crc32').digest().toString('hex'), '00000000');
  assert.equal(Buffer.from(checksumOf('crc32', CHECK_INPUT), 'base64').toString('hex'), 'cbf43926');
  assert.equal(Buffer.from(checksumOf('crc32c', CHECK_INPUT), 'base64').toString('hex'), 'e3069283');
  assert.equal(Buffer.from(checksumOf('crc64nvme', CHECK_INPUT), 'base64').toString('hex'), 'ae8b14860a799888');
});

test('the CRC32 of the fixture trailer body is the one the SDK sent', () => {
  assert.equal(checksumOf('crc32', Buffer.from('streamed ')), 'PQ7dvA==');
});

test('incremental updates equal a one-shot checksum', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog, repeatedly and at length.');
  for (const algorithm of ['crc32', 'crc32c', 'crc64nvme', 'sha1', 'sha256'] as const) {
    const checksummer = createChecksummer(algorithm);
    checksummer.update(data.subarray(0, 7));
    checksummer.update(data.subarray(7, 30));
    checksummer.update(data.subarray(30));
    assert.equal(checksummer.digest().toString('base64'), checksumOf(algorithm, data), algorithm);
  }
});

test('composite checksum hashes the raw part checksums and appends the part count', () => {
  const parts = [checksumOf('sha256', Buffer.from('a')), checksumOf('sha256', Buffer.from('b'))];
  const raw = Buffer.concat(parts.map((part) => Buffer.from(part, 'base64')));
  assert.equal(compositeChecksum('sha256', parts), `${checksumOf('sha256', raw)}-2`);
});
