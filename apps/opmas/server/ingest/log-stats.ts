import type { ParsedEvent } from './ingest-types.ts';
import type { LogStatsRepository } from './log-stats.repository.ts';
import type { LogStatsRow } from './log-stats.tables.ts';

const MINUTE_MS = 60_000;

/**
 * Rows kept for a later flush when the database refuses one; beyond this the counts of a failed flush are dropped, so a
 * long outage cannot grow memory without bound (about 10 minutes of 1,000 busy devices).
 */
const MAX_PENDING_ROWS = 100_000;

/** The fields of an event the per-minute stats are keyed and counted by. */
export type CountedEvent = Pick<ParsedEvent, 'device_id' | 'received_at' | 'domain' | 'severity' | 'ok'>;

/**
 * Per-minute message counts in memory, written to `log_stats` by `flush` (spec 02-opmas "Devices": `log_stats` is
 * flushed every 10 s, not per message). Minutes are of the arrival time (`received_at`): the stats describe traffic,
 * and device clocks or replayed history must not spread it over other minutes.
 */
export class LogStatsAccumulator {
  readonly #repository: LogStatsRepository;
  #pending = new Map<string, LogStatsRow>();

  constructor(repository: LogStatsRepository) {
    this.#repository = repository;
  }

  /** Counts one accepted event; an event that did not parse cleanly (`ok=false`) adds to `parse_errors` as well. */
  count(event: CountedEvent): void {
    const minute = Math.floor(event.received_at / MINUTE_MS) * MINUTE_MS;
    const key = `${event.device_id}|${minute}|${event.domain}|${event.severity}`;
    let row = this.#pending.get(key);
    if (!row) {
      row = {
        deviceId: event.device_id,
        minute: new Date(minute),
        domain: event.domain,
        severity: event.severity,
        count: 0,
        parseErrors: 0,
      };
      this.#pending.set(key, row);
    }
    row.count++;
    if (!event.ok) row.parseErrors++;
  }

  /** Rows waiting for the next flush. */
  get pendingRows(): number {
    return this.#pending.size;
  }

  /** Adds what was counted since the last flush to `log_stats` in one statement; on failure the counts are kept. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const taken = this.#pending;
    this.#pending = new Map();
    try {
      await this.#repository.addCounts([...taken.values()]);
    } catch (error) {
      this.#restore(taken);
      throw error;
    }
  }

  /** Puts the rows of a failed flush back, merged with what arrived meanwhile. */
  #restore(taken: Map<string, LogStatsRow>): void {
    for (const [key, row] of taken) {
      const current = this.#pending.get(key);
      if (current) {
        current.count += row.count;
        current.parseErrors += row.parseErrors;
      } else if (this.#pending.size < MAX_PENDING_ROWS) {
        this.#pending.set(key, row);
      }
    }
  }
}
