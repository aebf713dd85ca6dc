/**
 * xoshiro256** seeded by splitmix64 (spec 03-tvbo §B5: the exact stream is a reproducibility contract).
 * 64-bit words are kept as pairs of uint32 so the hot path never allocates BigInts.
 * Uniform doubles use the top 53 bits; normals come from Box–Muller using both outputs.
 */
const MASK64 = (1n << 64n) - 1n;

function splitmix64(state: { x: bigint }): bigint {
  state.x = (state.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = state.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export class Xoshiro256 {
  /** s0..s3 as [hi, lo] uint32 pairs. */
  private readonly s = new Uint32Array(8);
  private spare = Number.NaN;

  constructor(seed: number | bigint) {
    const state = { x: BigInt.asUintN(64, BigInt(seed)) };
    for (let k = 0; k < 4; k++) {
      const v = splitmix64(state);
      this.s[2 * k] = Number(v >> 32n);
      this.s[2 * k + 1] = Number(v & 0xffffffffn);
    }
  }

  /** Next output as [hi, lo] written into `out`; plain 32-bit arithmetic on locals so V8 keeps it allocation-free. */
  private nextInto(out: Uint32Array): void {
    const s = this.s;
    // result = rotl(s1 * 5, 7) * 9
    let product = s[3] * 5;
    let hi = (Math.imul(s[2], 5) + Math.floor(product / 4294967296)) >>> 0;
    let lo = product >>> 0;
    const rh = ((hi << 7) | (lo >>> 25)) >>> 0;
    const rl = ((lo << 7) | (hi >>> 25)) >>> 0;
    product = rl * 9;
    out[0] = (Math.imul(rh, 9) + Math.floor(product / 4294967296)) >>> 0;
    out[1] = product >>> 0;
    // t = s1 << 17
    const th = ((s[2] << 17) | (s[3] >>> 15)) >>> 0;
    const tl = (s[3] << 17) >>> 0;
    s[4] ^= s[0];
    s[5] ^= s[1];
    s[6] ^= s[2];
    s[7] ^= s[3];
    s[2] ^= s[4];
    s[3] ^= s[5];
    s[0] ^= s[6];
    s[1] ^= s[7];
    s[4] ^= th;
    s[5] ^= tl;
    // s3 = rotl(s3, 45): swap the halves, then rotate by 13.
    hi = s[7];
    lo = s[6];
    s[6] = ((hi << 13) | (lo >>> 19)) >>> 0;
    s[7] = ((lo << 13) | (hi >>> 19)) >>> 0;
  }

  private readonly word = new Uint32Array(2);

  /** Uniform double in [0, 1) from the top 53 bits. */
  uniform(): number {
    this.nextInto(this.word);
    const hi = this.word[0] >>> 11;
    const lo = ((this.word[0] & 0x7ff) * 2 ** 21 + (this.word[1] >>> 11)) >>> 0;
    return (hi * 2 ** 32 + lo) * 2 ** -53;
  }

  /** Standard normal deviate (Box–Muller; the second value of each pair is returned by the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = Number.NaN;
      return v;
    }
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    const angle = 2 * Math.PI * u2;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  fillNormal(out: Float64Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
  }
}
