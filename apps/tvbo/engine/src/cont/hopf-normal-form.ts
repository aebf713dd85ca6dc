/**
 * Centre eigenvectors and the first Lyapunov coefficient at a Hopf point (spec 03-tvbo §B8 "should: l1").
 * l1 follows Kuznetsov, Elements of Applied Bifurcation Theory (3rd ed.), eq. (3.20) with ⟨q, q⟩ = 1 and ⟨p, q⟩ = 1:
 *   l1 = Re(⟨p, C(q,q,q̄)⟩ − 2⟨p, B(q, A⁻¹B(q,q̄))⟩ + ⟨p, B(q̄, (2iωI − A)⁻¹B(q,q))⟩) / (2ω).
 * l1 < 0: supercritical (stable cycles are born), l1 > 0: subcritical. The multilinear forms B and C are central
 * differences of the symbolic Jacobian, so only one level of numerical differentiation is involved.
 */
import { solve } from '../linalg/dense.ts';
import type { PointContext } from './equilibrium.ts';
import { jacobianAt } from './equilibrium.ts';

type Complex = { re: Float64Array; im: Float64Array };

const dot = (u: Float64Array, v: Float64Array): number => u.reduce((acc, x, k) => acc + x * v[k], 0);
const matVec = (A: Float64Array, v: Float64Array, n: number, transpose = false): Float64Array =>
  Float64Array.from({ length: n }, (_, r) => {
    let s = 0;
    for (let c = 0; c < n; c++) s += (transpose ? A[c * n + r] : A[r * n + c]) * v[c];
    return s;
  });

/**
 * A real vector `a` spanning (with A·a) the invariant plane of ±iω: inverse iteration on A² + ω²I, which is
 * singular exactly on that plane. The small shift keeps the solve regular.
 */
function centrePlaneVector(A: Float64Array, n: number, omega: number): Float64Array {
  const M = new Float64Array(n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += A[r * n + k] * A[k * n + c];
      M[r * n + c] = s + (r === c ? omega * omega * (1 + 1e-9) : 0);
    }
  }
  let v = Float64Array.from({ length: n }, (_, k) => 1 / (k + 1.5));
  for (let it = 0; it < 4; it++) {
    const w = solve(M, v, n);
    if (!w) break;
    const norm = Math.hypot(...w);
    v = w.map((x) => x / norm);
  }
  return v;
}

/** q = a + ib with A q = iω q and ‖q‖ = 1 (b = −A a / ω). */
export function hopfEigenvector(A: Float64Array, n: number, omega: number, transpose = false): Complex {
  const At = transpose ? Float64Array.from({ length: n * n }, (_, k) => A[(k % n) * n + Math.floor(k / n)]) : A;
  const a = centrePlaneVector(At, n, omega);
  const b = matVec(At, a, n).map((x) => -x / omega);
  const norm = Math.sqrt(dot(a, a) + dot(b, b));
  return { re: a.map((x) => x / norm), im: b.map((x) => x / norm) };
}

export function firstLyapunovCoefficient(ctx: PointContext, x: Float64Array, omega: number): number {
  const n = ctx.system.n;
  const A = jacobianAt(ctx, x);
  const q = hopfEigenvector(A, n, omega);
  // Adjoint: Aᵀ p = −iω p; the conjugate of a Hopf eigenvector of Aᵀ for +iω.
  const p0 = hopfEigenvector(A, n, omega, true);
  const pc: Complex = { re: p0.re, im: p0.im.map((v) => -v) };
  // Scale p so that ⟨p, q⟩ = p̄ᵀq = 1.
  const zr = dot(pc.re, q.re) + dot(pc.im, q.im);
  const zi = dot(pc.re, q.im) - dot(pc.im, q.re);
  const z2 = zr * zr + zi * zi;
  // p ← p / z̄ = p·z/|z|².
  const p: Complex = {
    re: pc.re.map((v, k) => (v * zr - pc.im[k] * zi) / z2),
    im: pc.re.map((v, k) => (v * zi + pc.im[k] * zr) / z2),
  };

  const scale = Math.max(1, Math.hypot(...x));
  const jAt = (shift: Float64Array): Float64Array =>
    jacobianAt(
      ctx,
      x.map((v, k) => v + shift[k]),
    );
  const bReal = (u: Float64Array, v: Float64Array): Float64Array => {
    const h = 1e-5 * scale;
    const plus = jAt(v.map((e) => h * e));
    const minus = jAt(v.map((e) => -h * e));
    const out = matVec(plus, u, n);
    const back = matVec(minus, u, n);
    return out.map((e, k) => (e - back[k]) / (2 * h));
  };
  const cReal = (u: Float64Array, v: Float64Array, w: Float64Array): Float64Array => {
    const h = 1e-4 * scale;
    const term = (sv: number, sw: number): Float64Array => matVec(jAt(v.map((e, k) => h * (sv * e + sw * w[k]))), u, n);
    const [pp, pm, mp, mm] = [term(1, 1), term(1, -1), term(-1, 1), term(-1, -1)];
    return pp.map((e, k) => (e - pm[k] - mp[k] + mm[k]) / (4 * h * h));
  };
  const parts = (c: Complex): [Float64Array, number][] => [
    [c.re, 0],
    [c.im, 1],
  ];
  /** Multilinear extension to complex arguments: i^(number of imaginary parts picked). */
  const extend = (args: Complex[], form: (...v: Float64Array[]) => Float64Array): Complex => {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    const walk = (k: number, picked: Float64Array[], power: number): void => {
      if (k === args.length) {
        const value = form(...picked);
        const [sr, si] = [
          [1, 0],
          [0, 1],
          [-1, 0],
          [0, -1],
        ][power % 4];
        for (let r = 0; r < n; r++) {
          re[r] += sr * value[r];
          im[r] += si * value[r];
        }
        return;
      }
      for (const [vec, ip] of parts(args[k])) walk(k + 1, [...picked, vec], power + ip);
    };
    walk(0, [], 0);
    return { re, im };
  };
  const B = (u: Complex, v: Complex): Complex => extend([u, v], (a, b) => bReal(a, b));
  const C = (u: Complex, v: Complex, w: Complex): Complex => extend([u, v, w], (a, b, c) => cReal(a, b, c));
  const conj = (c: Complex): Complex => ({ re: c.re, im: c.im.map((v) => -v) });
  /** Re ⟨p, v⟩ = Re(p̄ᵀ v). */
  const reInner = (v: Complex): number => dot(p.re, v.re) + dot(p.im, v.im);

  const c3 = C(q, q, conj(q));
  // A⁻¹ B(q, q̄): B(q, q̄) is real.
  const bqq = B(q, conj(q));
  const s1 = solve(A, bqq.re, n) ?? new Float64Array(n);
  const term2 = B(q, { re: s1, im: new Float64Array(n) });
  // (2iωI − A)⁻¹ B(q, q) as the real 2n system [−A, −2ωI; 2ωI, −A].
  const bq2 = B(q, q);
  const M = new Float64Array(4 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      M[r * 2 * n + c] = -A[r * n + c];
      M[(r + n) * 2 * n + c + n] = -A[r * n + c];
    }
    M[r * 2 * n + r + n] = -2 * omega;
    M[(r + n) * 2 * n + r] = 2 * omega;
  }
  const rhs = new Float64Array(2 * n);
  rhs.set(bq2.re);
  rhs.set(bq2.im, n);
  const s2 = solve(M, rhs, 2 * n) ?? new Float64Array(2 * n);
  const term3 = B(conj(q), { re: s2.subarray(0, n), im: s2.subarray(n) });
  return (reInner(c3) - 2 * reInner(term2) + reInner(term3)) / (2 * omega);
}
