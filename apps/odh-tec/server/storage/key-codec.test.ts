import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '@platform/kernel/http/errors.ts';
import { decodeKey, decodePrefix, encodeKey, NO_PREFIX } from './key-codec.ts';
import { assertFolderName, isValidBucketName } from './storage-names.ts';

const codeOf = (work: () => unknown): string | undefined => {
  try {
    work();
    return undefined;
  } catch (error) {
    assert.ok(error instanceof AppError);
    return error.code;
  }
};

test('keys round-trip through base64url, and standard base64 (raw or percent-encoded) decodes the same', () => {
  // This key's base64 contains both `+` and `/`, which base64url spells `-` and `_`.
  const key = "dir/Capture d'écran 日本 ~~~?.txt";
  const standard = Buffer.from(key, 'utf8').toString('base64');
  assert.match(standard, /[+/]/);
  assert.equal(decodeKey(encodeKey(key)), key);
  assert.equal(decodeKey(standard), key);
  assert.equal(decodeKey(encodeURIComponent(standard)), key);
  assert.equal(decodeKey(standard.replace(/=+$/, '')), key);
});

test('malformed encodings, non-UTF-8 bytes, NUL and oversize keys are refused with their codes', () => {
  assert.equal(
    codeOf(() => decodeKey('a*b')),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey('QQ=A')),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey('abcde')),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey('%E0%A4%A')),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey(Buffer.from([0xc3, 0x28]).toString('base64url'))),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey(encodeKey('a\0b'))),
    'invalid_encoded_key',
  );
  assert.equal(
    codeOf(() => decodeKey(encodeKey('é'.repeat(513)))),
    'key_too_long',
  );
  assert.equal(decodeKey(encodeKey('é'.repeat(512))).length, 512);
});

test('there_is_no_prefix is the empty prefix', () => {
  assert.equal(decodePrefix(NO_PREFIX), '');
  assert.equal(decodePrefix(undefined), '');
  assert.equal(decodePrefix(encodeKey('a/b/')), 'a/b/');
});

test('bucket names follow the S3 rules, dotted names included', () => {
  for (const name of ['models', 'my.bucket', 'a-b.c-d', '123', 'x'.repeat(63)])
    assert.ok(isValidBucketName(name), name);
  for (const name of [
    'ab',
    'x'.repeat(64),
    'Models',
    'a..b',
    'a.-b',
    'a-.b',
    '-ab',
    'ab-',
    '192.168.0.1',
    'xn--abc',
    'abc-s3alias',
    'a_b',
  ]) {
    assert.ok(!isValidBucketName(name), name);
  }
});

test('folder names refuse slashes, control characters, dot names and more than 255 bytes', () => {
  assert.equal(
    codeOf(() => assertFolderName('weights 日本')),
    undefined,
  );
  for (const name of ['', '.', '..', 'a/b', 'tab\there', 'é'.repeat(128)]) {
    assert.equal(
      codeOf(() => assertFolderName(name)),
      'invalid_folder_name',
      name,
    );
  }
});
