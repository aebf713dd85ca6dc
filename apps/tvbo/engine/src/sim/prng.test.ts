import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Xoshiro256 } from './prng.ts';

/** Straight BigInt transcription of xoshiro256** and splitmix64 (Blackman & Vigna) as the reference stream. */
function referenceStream(seed: bigint): () => bigint {
  const M = (1n << 64n) - 1n;
  let x = seed;
  const splitmix = (): bigint => {
    x = (x + 0x9e3779b97f4a7c15n) & M;
    let z = x;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & M;
    return z ^ (z >> 31n);
  };
  const s = [splitmix(), splitmix(), splitmix(), splitmix()];
  const rotl = (v: bigint, k: bigint): bigint => ((v << k) | (v >> (64n - k))) & M;
  return () => {
    const result = (rotl((s[1] * 5n) & M, 7n) * 9n) & M;
    const t = (s[1] << 17n) & M;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return result;
  };
}

test('uniform doubles are the top 53 bits of the xoshiro256** stream', () => {
  for (const seed of [0n, 42n, 123456789n]) {
    const ref = referenceStream(seed);
    const rng = new Xoshiro256(seed);
    for (let k = 0; k < 1000; k++) assert.equal(rng.uniform(), Number(ref() >> 11n) * 2 ** -53);
  }
});

test('normals have unit variance and zero mean', () => {
  const rng = new Xoshiro256(1);
  let sum = 0;
  let sq = 0;
  const n = 200000;
  for (let k = 0; k < n; k++) {
    const z = rng.normal();
    sum += z;
    sq += z * z;
  }
  assert.ok(Math.abs(sum / n) < 0.01);
  assert.ok(Math.abs(sq / n - 1) < 0.01);
});
