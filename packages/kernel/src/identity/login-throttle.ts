/**
 * Counts failed sign-ins per (username, address) and per address within a sliding window; past the limit, further
 * attempts are refused until the window moves on, so password guessing is slowed without locking the real user out
 * from other addresses. In memory: each replica throttles on its own, which only makes the effective limit a small
 * multiple of the configured one.
 */
export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  readonly maxFailures: number;
  readonly windowMs: number;

  constructor(maxFailures = 5, windowMs = 15 * 60_000) {
    this.maxFailures = maxFailures;
    this.windowMs = windowMs;
  }

  #keys(username: string, ip: string): string[] {
    return [`user:${username.toLowerCase()}|${ip}`, `ip:${ip}`];
  }

  #recent(key: string, now: number): number[] {
    const times = (this.#failures.get(key) ?? []).filter((time) => now - time < this.windowMs);
    if (times.length) this.#failures.set(key, times);
    else this.#failures.delete(key);
    return times;
  }

  /** Seconds to wait, or 0 when an attempt is allowed. */
  retryAfter(username: string, ip: string, now = Date.now()): number {
    const [userKey, ipKey] = this.#keys(username, ip);
    const limits: [string, number][] = [
      [userKey!, this.maxFailures],
      [ipKey!, this.maxFailures * 4],
    ];
    for (const [key, limit] of limits) {
      const times = this.#recent(key, now);
      if (times.length >= limit) return Math.ceil((times[0]! + this.windowMs - now) / 1000);
    }
    return 0;
  }

  fail(username: string, ip: string, now = Date.now()): void {
    for (const key of this.#keys(username, ip)) this.#failures.set(key, [...this.#recent(key, now), now]);
    if (this.#failures.size > 100_000) this.#failures.clear();
  }

  succeed(username: string, ip: string): void {
    this.#failures.delete(this.#keys(username, ip)[0]!);
  }
}
