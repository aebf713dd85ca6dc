import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { InvalidKeyError, InvalidTokenError } from './errors.ts';
import { Fernet, generateKey, keyFingerprint } from './fernet.ts';

// Spec vectors (fernet/spec; invalid.json from the strict-base64 revision 8a21920), read in place.
interface GenerateVector {
  token: string;
  now: string;
  iv: number[];
  src: string;
  secret: string;
}
interface VerifyVector {
  token: string;
  now: string;
  ttl_sec: number;
  src: string;
  secret: string;
}
interface InvalidVector {
  desc: string;
  token: string;
  now: string;
  ttl_sec: number;
  secret: string;
}

function readVectors<T>(t: TestContext, file: string): T[] | undefined {
  const dir = sharedData(t, 'cmbcluster', 'fernet');
  if (!dir) return undefined;
  return JSON.parse(readFileSync(join(dir, file), 'utf8')) as T[];
}

function rejects(action: () => unknown, reason?: InvalidTokenError['reason']): void {
  assert.throws(action, (error) => {
    assert.ok(error instanceof InvalidTokenError, `expected InvalidTokenError, got ${String(error)}`);
    if (reason) assert.equal(error.reason, reason);
    return true;
  });
}

const at = (iso: string) => new Date(iso);

/** Why each invalid.json row must fail, so a row cannot pass by failing for an unrelated reason. */
const EXPECTED_REASONS: Record<string, InvalidTokenError['reason']> = {
  'incorrect mac': 'signature',
  'too short': 'length',
  'invalid base64': 'encoding',
  'payload size not multiple of block size': 'length',
  'payload padding error': 'padding',
  'far-future TS (unacceptable clock skew)': 'clock-skew',
  'expired TTL': 'expired',
  'incorrect IV (causes padding error)': 'padding',
  'trailing characters after b64 padding': 'encoding',
  'invalid characters in b64': 'encoding',
  'invalid non-urlsafe characters in b64': 'encoding',
};
// First 8 hex of `printf %s <spec key> | sha256sum`, computed outside this code.
const FINGERPRINT_OF_SPEC_KEY = 'd88a2cb5';

describe('Fernet spec vectors', () => {
  it('generate.json: every token is reproduced byte for byte', (t) => {
    const vectors = readVectors<GenerateVector>(t, 'generate.json');
    if (!vectors) return;
    assert.ok(vectors.length > 0);
    for (const vector of vectors) {
      const token = new Fernet(vector.secret).encrypt(vector.src, {
        now: at(vector.now),
        iv: Uint8Array.from(vector.iv),
      });
      assert.equal(token, vector.token);
    }
  });

  it('verify.json: every token decrypts at its time within its TTL', (t) => {
    const vectors = readVectors<VerifyVector>(t, 'verify.json');
    if (!vectors) return;
    assert.ok(vectors.length > 0);
    for (const vector of vectors) {
      const plaintext = new Fernet(vector.secret).decrypt(vector.token, {
        ttlSeconds: vector.ttl_sec,
        now: at(vector.now),
      });
      assert.equal(plaintext.toString('utf8'), vector.src);
    }
  });

  it('invalid.json: all 11 rows are rejected', async (t) => {
    const vectors = readVectors<InvalidVector>(t, 'invalid.json');
    if (!vectors) return;
    assert.equal(vectors.length, 11);
    assert.deepEqual(vectors.map((vector) => vector.desc).sort(), Object.keys(EXPECTED_REASONS).sort());
    for (const vector of vectors) {
      await t.test(vector.desc, () => {
        const fernet = new Fernet(vector.secret);
        const options = { ttlSeconds: vector.ttl_sec, now: at(vector.now) };
        rejects(() => fernet.decrypt(vector.token, options), EXPECTED_REASONS[vector.desc]);
      });
    }
  });

  it('the strict-base64 rows would decode to a valid token under a lenient decoder', (t) => {
    // Guards the rows above against passing for the wrong reason: lenient base64 accepts them.
    const vectors = readVectors<InvalidVector>(t, 'invalid.json');
    const valid = readVectors<VerifyVector>(t, 'verify.json');
    if (!vectors || !valid) return;
    const lenient = (token: string) => Buffer.from(token, 'base64url');
    const strictOnly = vectors.filter((vector) => lenient(vector.token).equals(lenient(valid[0].token)));
    assert.deepEqual(
      strictOnly.map((vector) => vector.desc),
      ['trailing characters after b64 padding', 'invalid characters in b64'],
    );
    for (const vector of strictOnly) {
      rejects(() => new Fernet(vector.secret).decrypt(vector.token), 'encoding');
    }
  });
});

describe('Fernet', () => {
  const key = generateKey();
  const fernet = new Fernet(key);

  it('round-trips text and binary plaintexts of several lengths', () => {
    for (const length of [0, 1, 15, 16, 17, 1000]) {
      const plaintext = Buffer.alloc(length, length % 251);
      assert.deepEqual(fernet.decrypt(fernet.encrypt(plaintext)), plaintext);
    }
    assert.equal(fernet.decrypt(fernet.encrypt('sk-test-123 ünïcode')).toString('utf8'), 'sk-test-123 ünïcode');
  });

  it('produces tokens that start with the version byte and differ per call', () => {
    const first = fernet.encrypt('same');
    assert.match(first, /^gAAAAA/);
    assert.notEqual(first, fernet.encrypt('same'));
  });

  it('rejects a token under another key', () => {
    rejects(() => new Fernet(generateKey()).decrypt(fernet.encrypt('secret')), 'signature');
  });

  it('expires tokens older than the TTL, and accepts them at exactly the TTL', () => {
    const created = new Date('2024-01-01T00:00:00Z');
    const token = fernet.encrypt('x', { now: created });
    const after = (seconds: number) => new Date(created.getTime() + seconds * 1000);
    assert.equal(fernet.decrypt(token, { ttlSeconds: 60, now: after(60) }).toString(), 'x');
    rejects(() => fernet.decrypt(token, { ttlSeconds: 60, now: after(61) }), 'expired');
    // Without a TTL the age is not checked (secrets at rest never expire).
    assert.equal(fernet.decrypt(token, { now: after(10_000_000) }).toString(), 'x');
  });

  it('refuses tokens stamped more than 60 s in the future when a TTL is checked', () => {
    const now = new Date('2024-01-01T00:00:00Z');
    const future = (seconds: number) => fernet.encrypt('x', { now: new Date(now.getTime() + seconds * 1000) });
    assert.equal(fernet.decrypt(future(60), { ttlSeconds: 3600, now }).toString(), 'x');
    rejects(() => fernet.decrypt(future(61), { ttlSeconds: 3600, now }), 'clock-skew');
  });

  it('extracts the timestamp only from authentic tokens', () => {
    const token = fernet.encrypt('x', { now: new Date('1985-10-26T01:20:00-07:00') });
    assert.equal(fernet.extractTimestamp(token), 499162800);
    rejects(() => new Fernet(generateKey()).extractTimestamp(token), 'signature');
  });

  it('rejects a token with any single byte flipped', () => {
    const bytes = Buffer.from(fernet.encrypt('flip me'), 'base64url');
    for (let offset = 1; offset < bytes.length; offset += 7) {
      const tampered = Buffer.from(bytes);
      tampered[offset] ^= 0x01;
      const token = tampered.toString('base64url').padEnd(Math.ceil(tampered.length / 3) * 4, '=');
      rejects(() => fernet.decrypt(token));
    }
  });

  it('rejects tokens that are not strict padded base64url', () => {
    const token = fernet.encrypt('strict');
    assert.ok(token.endsWith('='), 'fixture token must carry padding');
    const unpadded = token.replace(/=+$/, '');
    const cases: Record<string, string> = {
      'missing padding': unpadded,
      'extra padding': `${token}==`,
      'padding in the middle': `${token.slice(0, 8)}=${token.slice(9)}`,
      "'+' instead of '-'": token.replace(/[-_A]/, '+'),
      "'/' instead of '_'": token.replace(/[-_A]/, '/'),
      'leading space': ` ${token}`,
      'trailing newline': `${token}\n`,
      'embedded whitespace': `${token.slice(0, 10)} ${token.slice(10)}`,
      'non-zero trailing bits': nonCanonical(token),
    };
    for (const [name, variant] of Object.entries(cases)) {
      assert.notEqual(variant, token, name);
      rejects(() => fernet.decrypt(variant), 'encoding');
    }
    rejects(() => fernet.decrypt(''));
  });
});

/** Changes the last data character so that only bits dropped by decoding differ. */
function nonCanonical(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const lastData = token.replace(/=+$/, '').length - 1;
  const value = alphabet.indexOf(token[lastData]);
  return token.slice(0, lastData) + alphabet[value ^ 1] + token.slice(lastData + 1);
}

describe('Fernet keys', () => {
  it('generates distinct 32-byte padded base64url keys', () => {
    const key = generateKey();
    assert.match(key, /^[A-Za-z0-9_-]{43}=$/);
    assert.notEqual(key, generateKey());
  });

  it('rejects malformed keys without echoing them', () => {
    const good = generateKey();
    const bad = [good.slice(0, -1), good.replace('=', ''), `${good} `, `+${good.slice(1)}`, 'c2hvcnQ=', ''];
    for (const key of bad) {
      assert.throws(
        () => new Fernet(key),
        (error) => error instanceof InvalidKeyError && (key === '' || !error.message.includes(key)),
      );
    }
  });

  it('fingerprints a key as the first 8 hex digits of SHA-256 of the key string', () => {
    assert.equal(keyFingerprint('cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4='), FINGERPRINT_OF_SPEC_KEY);
    assert.equal(new Fernet('cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=').fingerprint, FINGERPRINT_OF_SPEC_KEY);
  });
});
