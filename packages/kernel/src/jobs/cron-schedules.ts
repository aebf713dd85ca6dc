import { Cron } from 'croner';
import { and, eq, sql } from 'drizzle-orm';
import type { AppJob } from '../apps/define-app.ts';
import type { Database } from '../db/database.ts';
import { schedules } from '../db/kernel.schema.ts';
import type { Logger } from '../logging/logger.ts';
import type { EnqueueOptions, JobRow } from './job-queue.ts';

type Enqueue = (queue: string, payload: unknown, options: EnqueueOptions) => Promise<JobRow>;

/**
 * Cron schedules in `kernel.schedules` (spec 00 "Background work"): every worker looks for due ticks, and whoever moves
 * `next_run_at` on by compare-and-set enqueues the tick, so each tick runs once however many replicas there are.
 */
export class CronSchedules {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #enqueue: Enqueue;

  constructor(db: Database, logger: Logger, enqueue: Enqueue) {
    this.#db = db;
    this.#logger = logger;
    this.#enqueue = enqueue;
  }

  /** Records each job's schedules; a changed cron expression reschedules, an unchanged one keeps its pending tick. */
  async sync(definitions: Iterable<AppJob>): Promise<void> {
    for (const definition of definitions) {
      for (const schedule of definition.schedules ?? []) {
        const timezone = schedule.timezone ?? 'UTC';
        const next = nextRun(schedule.cron, timezone, new Date());
        await this.#db.orm
          .insert(schedules)
          .values({
            name: schedule.name,
            cron: schedule.cron,
            timezone,
            queue: definition.queue,
            payload: schedule.payload ?? {},
            nextRunAt: next,
          })
          .onConflictDoUpdate({
            target: schedules.name,
            // A changed cron expression reschedules; an unchanged one keeps its pending tick.
            set: {
              cron: schedule.cron,
              timezone,
              queue: definition.queue,
              payload: schedule.payload ?? {},
              nextRunAt: sql`case when ${schedules.cron} = ${schedule.cron} then ${schedules.nextRunAt} else ${next.toISOString()}::timestamptz end`,
            },
          });
      }
    }
  }

  /** Exactly one process wins each tick: the one whose compare-and-set moves next_run_at on. */
  async fireDue(): Promise<void> {
    const due = await this.#db.orm
      .select()
      .from(schedules)
      .where(and(eq(schedules.enabled, true), sql`${schedules.nextRunAt} <= now()`));
    for (const schedule of due) {
      const next = nextRun(schedule.cron, schedule.timezone, new Date());
      const won = await this.#db.transaction(async (tx) => {
        const [moved] = await tx
          .update(schedules)
          .set({ nextRunAt: next, lastRunAt: schedule.nextRunAt })
          .where(and(eq(schedules.name, schedule.name), eq(schedules.nextRunAt, schedule.nextRunAt)))
          .returning({ name: schedules.name });
        if (!moved) return false;
        await this.#enqueue(schedule.queue, schedule.payload, {
          idempotencyKey: `cron:${schedule.name}:${schedule.nextRunAt.toISOString()}`,
          executor: tx,
        });
        return true;
      });
      if (won) this.#logger.debug({ schedule: schedule.name }, 'schedule fired');
    }
  }
}

function nextRun(cron: string, timezone: string, after: Date): Date {
  const next = new Cron(cron, { timezone, paused: true }).nextRun(after);
  if (!next) throw new Error(`cron expression never fires: ${cron}`);
  return next;
}
