import { sql } from 'drizzle-orm';
import type { EventBus } from '../bus/bus.ts';
import type { Database, Executor } from '../db/database.ts';
import { outbox } from '../db/kernel.schema.ts';
import type { Logger } from '../logging/logger.ts';
import { Metrics } from '../metrics/metrics.ts';

const CHANNEL = 'kernel_outbox';
const BATCH = 200;

/**
 * Transactional outbox (spec 00 "Background work"): a domain event is inserted in the same transaction as the state
 * change it describes, then relayed to the bus after commit. A crash between publish and marking the row published
 * re-publishes it with the same message id (`outbox-<id>`), which subscribers de-duplicate: at least once, seen once.
 */
export class OutboxRelay {
  readonly #db: Database;
  readonly #bus: EventBus;
  readonly #logger: Logger;
  readonly #metrics?: Metrics;
  pollIntervalMs = 1000;
  /** How long a notification waits for others before the relay runs. */
  coalesceMs = 5;
  #timer?: NodeJS.Timeout;
  #unlisten?: () => Promise<void>;
  #running = false;
  #again = false;
  #stopped = true;

  constructor(options: { db: Database; bus: EventBus; logger: Logger; metrics?: Metrics }) {
    this.#db = options.db;
    this.#bus = options.bus;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
  }

  /** Writes an event inside the caller's transaction. */
  async write(executor: Executor, subject: string, payload: unknown, headers?: Record<string, string>): Promise<void> {
    await executor.insert(outbox).values({ subject, payload: payload ?? null, headers: headers ?? null });
    await executor.execute(sql`select pg_notify(${CHANNEL}, '')`);
  }

  /** Writes several events inside the caller's transaction with one insert and one notification. */
  async writeMany(
    executor: Executor,
    messages: { subject: string; payload: unknown; headers?: Record<string, string> }[],
  ): Promise<void> {
    if (messages.length === 0) return;
    await executor.insert(outbox).values(
      messages.map(({ subject, payload, headers }) => ({
        subject,
        payload: payload ?? null,
        headers: headers ?? null,
      })),
    );
    await executor.execute(sql`select pg_notify(${CHANNEL}, '')`);
  }

  async start(): Promise<void> {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#unlisten = await this.#db.listen(CHANNEL, () => this.kick());
    const tick = () => {
      this.kick();
      this.#timer = setTimeout(tick, this.pollIntervalMs);
    };
    tick();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#unlisten?.().catch(() => {});
    while (this.#running) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  kick(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = true;
    // A short pause lets a burst of commits (each notifying) be relayed in one transaction instead of one each.
    new Promise((resolve) => setTimeout(resolve, this.coalesceMs))
      .then(() => this.relayPending())
      .catch((error) => this.#logger.error({ err: error }, 'outbox relay failed'))
      .finally(() => {
        this.#running = false;
        if (this.#again) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Publishes unpublished rows in id order until none are left; returns how many were published. */
  async relayPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const published = await this.#db.transaction(async (tx) => {
        const rows = await this.#db.rows<{
          id: string;
          subject: string;
          payload: unknown;
          headers: Record<string, string> | null;
        }>(
          sql`select id, subject, payload, headers from kernel.outbox where published_at is null
              order by id limit ${BATCH} for update skip locked`,
          tx,
        );
        for (const row of rows) {
          await this.#bus.publish(row.subject, row.payload, {
            messageId: `outbox-${row.id}`,
            headers: row.headers ?? undefined,
          });
          this.#metrics?.busMessages.inc({ direction: 'publish', subject: Metrics.subjectLabel(row.subject) });
        }
        // NATS publish only buffers: wait for the server before the rows count as published.
        if (rows.length) await this.#bus.flush();
        if (rows.length) {
          await tx.execute(
            sql`update kernel.outbox set published_at = now() where id in (${sql.join(
              rows.map((row) => sql`${row.id}`),
              sql`, `,
            )})`,
          );
        }
        return rows.length;
      });
      total += published;
      if (published < BATCH) return total;
    }
  }
}
