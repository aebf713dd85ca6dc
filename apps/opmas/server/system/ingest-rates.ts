/**
 * Ingest rates for the dashboard (spec 02-opmas "API" `dashboard/stats` `ingest:{rate_1m, rate_5m, drops_1m}`): the
 * in-process counters are sampled every few seconds and kept for a little over five minutes.
 */

export interface IngestTotals {
  accepted: number;
  dropped: number;
}

interface Sample extends IngestTotals {
  at: number;
}

export const SAMPLE_INTERVAL_MS = 5000;
const KEEP_MS = 5 * 60_000 + 2 * SAMPLE_INTERVAL_MS;

export class IngestRateSampler {
  readonly #read: () => IngestTotals;
  readonly #now: () => number;
  #samples: Sample[] = [];

  constructor(read: () => IngestTotals, now: () => number = Date.now) {
    this.#read = read;
    this.#now = now;
    this.sample();
  }

  /** Records the counters now and forgets samples older than the longest window. */
  sample(): void {
    const at = this.#now();
    this.#samples.push({ at, ...this.#read() });
    this.#samples = this.#samples.filter((sample) => sample.at >= at - KEEP_MS);
  }

  /** The oldest sample inside the window (the window is shorter while the process is younger). */
  #baseline(windowMs: number, now: number): Sample {
    return this.#samples.find((sample) => sample.at >= now - windowMs) ?? { at: now, ...this.#read() };
  }

  /** Accepted messages per second over the window ending now. */
  rate(windowMs: number): number {
    const now = this.#now();
    const base = this.#baseline(windowMs, now);
    const seconds = (now - base.at) / 1000;
    return seconds < 1 ? 0 : Math.round(((this.#read().accepted - base.accepted) / seconds) * 100) / 100;
  }

  /** Messages dropped within the window ending now. */
  drops(windowMs: number): number {
    const now = this.#now();
    return this.#read().dropped - this.#baseline(windowMs, now).dropped;
  }
}
