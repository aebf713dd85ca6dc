import type { RawMessage } from './ingest-types.ts';

/** Pause above 80 % of the limit, resume below 50 % (spec 02-opmas "Framing", TCP backpressure). */
const HIGH_WATER = 0.8;
const LOW_WATER = 0.5;

/**
 * The bounded in-process queue between sockets and the pipeline. Lossy sources (UDP) are refused when it is full;
 * streaming sources (TCP/TLS) are paused at the high-water mark through `onPressure`, so they never lose messages.
 */
export class IngestQueue {
  readonly max: number;
  #items: RawMessage[] = [];
  #head = 0;
  #pressured = false;
  #operatorPaused = false;
  #onPressure: (pressured: boolean) => void = () => {};
  #onItem: () => void = () => {};

  constructor(max: number) {
    this.max = max;
  }

  get depth(): number {
    return this.#items.length - this.#head;
  }

  /** True while above the high-water mark (until it drains below the low-water mark). */
  get pressured(): boolean {
    return this.#pressured;
  }

  /** True while an operator paused ingest (spec "API" control `pause_ingest`). */
  get paused(): boolean {
    return this.#operatorPaused;
  }

  /** Operator pause: streams stop being read (they lose nothing), datagrams are refused until resumed. */
  setPaused(paused: boolean): void {
    this.#operatorPaused = paused;
    this.#onPressure(paused || this.#pressured);
  }

  /** Registers the pause/resume callback (TCP listeners) and the wake-up of the consumer. */
  connect(handlers: { onPressure?: (pressured: boolean) => void; onItem?: () => void }): void {
    if (handlers.onPressure) this.#onPressure = handlers.onPressure;
    if (handlers.onItem) this.#onItem = handlers.onItem;
  }

  /** Adds a message; false when the queue is full. */
  offer(message: RawMessage): boolean {
    if (this.depth >= this.max || (this.#operatorPaused && message.transport === 'udp')) return false;
    this.#items.push(message);
    if (!this.#pressured && this.depth > this.max * HIGH_WATER) {
      this.#pressured = true;
      this.#onPressure(true);
    }
    this.#onItem();
    return true;
  }

  /** Takes up to `count` messages in arrival order. */
  take(count: number): RawMessage[] {
    const taken = this.#items.slice(this.#head, this.#head + count);
    this.#head += taken.length;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#pressured && this.depth < this.max * LOW_WATER) {
      this.#pressured = false;
      if (!this.#operatorPaused) this.#onPressure(false);
    }
    return taken;
  }
}
