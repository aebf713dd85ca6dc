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

  /** Next output as [hi, lo] written into `out`. */
  private nextInto(out: Uint32Array): void {
    const s = this.s;
    // result = rotl(s1 * 5, 7) * 9
    const [h5, l5] = mulSmall(s[2], s[3], 5);
    const [hr, lr] = rotl(h5, l5, 7);
    const [h9, l9] = mulSmall(hr, lr, 9);
    out[0] = h9;
    out[1] = l9;
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
    const [h45, l45] = rotl(s[6], s[7], 45);
    s[6] = h45;
    s[7] = l45;
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

function mulSmall(hi: number, lo: number, k: number): [number, number] {
  const loProduct = lo * k;
  const carry = Math.floor(loProduct / 2 ** 32);
  return [(Math.imul(hi, k) + carry) >>> 0, loProduct >>> 0];
}

function rotl(hi: number, lo: number, r: number): [number, number] {
  if (r >= 32) {
    [hi, lo] = [lo, hi];
    r -= 32;
  }
  if (r === 0) return [hi >>> 0, lo >>> 0];
  return [((hi << r) | (lo >>> (32 - r))) >>> 0, ((lo << r) | (hi >>> (32 - r))) >>> 0];
}
