import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidKeyError, InvalidTokenError } from './errors.ts';
import { Fernet, generateKey, keyFingerprint } from './fernet.ts';
import { MultiFernet } from './multi-fernet.ts';

const oldKey = generateKey();
const newKey = generateKey();

describe('MultiFernet', () => {
  it('encrypts with the first key only', () => {
    const token = new MultiFernet([newKey, oldKey]).encrypt('secret');
    assert.equal(new Fernet(newKey).decrypt(token).toString(), 'secret');
    assert.throws(() => new Fernet(oldKey).decrypt(token), InvalidTokenError);
  });

  it('decrypts tokens written under an older key after a new key is prepended', () => {
    const written = new MultiFernet([oldKey]).encrypt('written before rotation');
    const rotated = new MultiFernet([newKey, oldKey]);
    const result = rotated.decryptWithKeyInfo(written);
    assert.equal(result.plaintext.toString(), 'written before rotation');
    assert.equal(result.keyFingerprint, keyFingerprint(oldKey));
    assert.equal(result.isPrimary, false);
    assert.equal(rotated.decryptWithKeyInfo(rotated.encrypt('new')).isPrimary, true);
  });

  it('rejects tokens under keys it does not hold', () => {
    const foreign = new Fernet(generateKey()).encrypt('x');
    assert.throws(
      () => new MultiFernet([newKey, oldKey]).decrypt(foreign),
      (error) => error instanceof InvalidTokenError && error.reason === 'signature',
    );
  });

  it('reports the first non-signature failure without trying further keys', () => {
    const expired = new MultiFernet([oldKey]).encrypt('x', { now: new Date('2020-01-01T00:00:00Z') });
    assert.throws(
      () => new MultiFernet([newKey, oldKey]).decrypt(expired, { ttlSeconds: 60 }),
      (error) => error instanceof InvalidTokenError && error.reason === 'expired',
    );
  });

  it('rotate() re-encrypts under the primary key, keeping the plaintext and the creation time', () => {
    const created = new Date('2024-05-01T12:00:00Z');
    const token = new MultiFernet([oldKey]).encrypt('rotate me', { now: created });
    const keyring = new MultiFernet([newKey, oldKey]);
    const rotated = keyring.rotate(token);
    assert.notEqual(rotated, token);
    assert.equal(new Fernet(newKey).decrypt(rotated).toString(), 'rotate me');
    assert.equal(new Fernet(newKey).extractTimestamp(rotated), created.getTime() / 1000);
    // Once the old key is retired only the rotated token is readable.
    const newOnly = new MultiFernet([newKey]);
    assert.equal(newOnly.decrypt(rotated).toString(), 'rotate me');
    assert.throws(() => newOnly.decrypt(token), InvalidTokenError);
  });

  it('rotate() refuses tokens no key authenticates', () => {
    assert.throws(() => new MultiFernet([newKey]).rotate(new Fernet(oldKey).encrypt('x')), InvalidTokenError);
  });

  it('exposes key fingerprints, primary first', () => {
    const keyring = new MultiFernet([newKey, oldKey]);
    assert.equal(keyring.primaryFingerprint, keyFingerprint(newKey));
    assert.deepEqual(keyring.fingerprints, [keyFingerprint(newKey), keyFingerprint(oldKey)]);
    assert.match(keyring.primaryFingerprint, /^[0-9a-f]{8}$/);
  });

  it('parses a comma-separated key list, newest first', () => {
    const keyring = MultiFernet.fromKeyList(`${newKey}, ${oldKey}`);
    assert.deepEqual(keyring.fingerprints, [keyFingerprint(newKey), keyFingerprint(oldKey)]);
    assert.throws(() => MultiFernet.fromKeyList(`${newKey},,${oldKey}`), InvalidKeyError);
    assert.throws(() => MultiFernet.fromKeyList(''), InvalidKeyError);
    assert.throws(() => MultiFernet.fromKeyList(`${newKey},not-a-key`), InvalidKeyError);
  });

  it('needs at least one key', () => {
    assert.throws(() => new MultiFernet([]), InvalidKeyError);
  });
});
