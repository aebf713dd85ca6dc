/** Last authenticated use of the app in this process, kept in memory (upstream grew an access-log file forever). */
export class ActivityTracker {
  #last: number;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#last = now();
  }

  touch(): void {
    this.#last = this.#now();
  }

  get lastActivity(): Date {
    return new Date(this.#last);
  }

  /**
   * Jupyter kernel states for the idle culler (spec 01-odh-tec "Workbench"): `busy` while a transfer runs here,
   * `idle` once the last use is older than the idle window, `alive` in between.
   */
  state(busy: boolean, idleMinutes: number): 'busy' | 'idle' | 'alive' {
    if (busy) return 'busy';
    return this.#now() - this.#last >= idleMinutes * 60_000 ? 'idle' : 'alive';
  }
}
