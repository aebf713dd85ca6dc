/**
 * Welch power spectral density with scipy.signal.welch defaults as used in spec 03-tvbo §B7: Hann window,
 * nperseg = min(2^floor(log2 n), 2048), 50 % overlap, constant detrend, one-sided density.
 */

/** In-place iterative radix-2 FFT (length must be a power of two). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j], re[i]];
      [im[i], im[j]] = [im[j], im[i]];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = (-2 * Math.PI) / len;
    const wr = Math.cos(angle);
    const wi = Math.sin(angle);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b] * cr - im[b] * ci;
        const ti = re[b] * ci + im[b] * cr;
        re[b] = re[a] - tr;
        im[b] = im[a] - ti;
        re[a] += tr;
        im[a] += ti;
        const next = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = next;
      }
    }
  }
}

export function welch(signal: ArrayLike<number>, fs: number): { freqs: Float64Array; psd: Float64Array } {
  const n = signal.length;
  const nperseg = Math.min(2 ** Math.floor(Math.log2(n)), 2048);
  const step = nperseg / 2;
  const window = Float64Array.from({ length: nperseg }, (_, k) => 0.5 - 0.5 * Math.cos((2 * Math.PI * k) / nperseg));
  const scale = 1 / (fs * window.reduce((a, w) => a + w * w, 0));
  const nFreq = nperseg / 2 + 1;
  const psd = new Float64Array(nFreq);
  const re = new Float64Array(nperseg);
  const im = new Float64Array(nperseg);
  let segments = 0;
  for (let start = 0; start + nperseg <= n; start += step) {
    let mean = 0;
    for (let k = 0; k < nperseg; k++) mean += signal[start + k] / nperseg;
    for (let k = 0; k < nperseg; k++) {
      re[k] = (signal[start + k] - mean) * window[k];
      im[k] = 0;
    }
    fft(re, im);
    for (let f = 0; f < nFreq; f++) {
      const p = (re[f] * re[f] + im[f] * im[f]) * scale;
      psd[f] += f === 0 || f === nperseg / 2 ? p : 2 * p;
    }
    segments++;
  }
  for (let f = 0; f < nFreq; f++) psd[f] /= Math.max(segments, 1);
  return { freqs: Float64Array.from({ length: nFreq }, (_, f) => (f * fs) / nperseg), psd };
}

/** Frequency of the largest non-DC peak, refined by parabolic interpolation on the neighbouring bins. */
export function psdPeakHz(signal: ArrayLike<number>, fs: number): number {
  const { freqs, psd } = welch(signal, fs);
  let best = 1;
  for (let f = 2; f < psd.length; f++) if (psd[f] > psd[best]) best = f;
  if (best <= 0 || best >= psd.length - 1) return freqs[best];
  const [a, b, c] = [psd[best - 1], psd[best], psd[best + 1]];
  const denom = a - 2 * b + c;
  const shift = denom === 0 ? 0 : (0.5 * (a - c)) / denom;
  return freqs[best] + shift * (freqs[1] - freqs[0]);
}
