import type { EventBus } from '@platform/kernel/bus/bus.ts';
import type { IngestJournal } from './ingest-journal.ts';
import type { LogBatch, ParsedEvent } from './ingest-types.ts';

/** Bus subject of one batch: `opmas.logs.<domain>.<device slug>` (spec 02-opmas "Architecture"). */
export const logSubject = (domain: string, device: string): string => `opmas.logs.${domain}.${device}`;

interface OpenBatch {
  events: ParsedEvent[];
  timer: NodeJS.Timeout;
}

export interface LogBatcherOptions {
  bus: EventBus;
  node: string;
  maxEvents: number;
  lingerMs: number;
  onPublishError: (error: unknown, subject: string) => void;
}

/**
 * Groups events per domain and device and publishes a `LogBatch` when it holds `maxEvents` or `lingerMs` after its
 * first event (spec "Architecture": ≤100 events or 20 ms), so agents get few large messages instead of many small.
 */
export class LogBatcher {
  readonly #options: LogBatcherOptions;
  readonly #open = new Map<string, OpenBatch>();
  readonly #pending = new Set<Promise<void>>();
  #seq = 0;
  #journal: IngestJournal | undefined;

  constructor(options: LogBatcherOptions) {
    this.#options = options;
  }

  /** From now on every batch is journaled before it is published (embedded mode; see IngestJournal). */
  attachJournal(journal: IngestJournal | undefined): void {
    this.#journal = journal;
  }

  /** Adds one event; publishes its batch when full. */
  add(event: ParsedEvent): void {
    const subject = logSubject(event.domain, event.device);
    let batch = this.#open.get(subject);
    if (!batch) {
      batch = { events: [], timer: setTimeout(() => this.#publish(subject), this.#options.lingerMs) };
      this.#open.set(subject, batch);
    }
    batch.events.push(event);
    if (batch.events.length >= this.#options.maxEvents) this.#publish(subject);
  }

  /** Publishes every open batch and waits until all publishes settled (shutdown and tests). */
  async flush(): Promise<void> {
    for (const subject of [...this.#open.keys()]) this.#publish(subject);
    await Promise.all([...this.#pending]);
  }

  #publish(subject: string): void {
    const batch = this.#open.get(subject);
    if (!batch) return;
    this.#open.delete(subject);
    clearTimeout(batch.timer);
    const [first] = batch.events;
    if (!first) return;
    const payload: LogBatch = {
      v: 1,
      domain: first.domain,
      device: first.device,
      device_id: first.device_id,
      node: this.#options.node,
      seq: ++this.#seq,
      events: batch.events,
    };
    this.#journal?.append(payload);
    const publishing = this.#options.bus
      .publish(subject, payload)
      .catch((error: unknown) => this.#options.onPublishError(error, subject))
      .finally(() => this.#pending.delete(publishing));
    this.#pending.add(publishing);
  }
}
