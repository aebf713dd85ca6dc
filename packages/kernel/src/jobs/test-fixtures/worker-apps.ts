import { sql } from 'drizzle-orm';
import { type AppDefinition, defineApp } from '../../apps/define-app.ts';
import type { Database } from '../../db/database.ts';
import type { JobContext } from '../job-queue.ts';

/** Set by whoever creates the kernel, before its workers start: handlers record what they did in the database. */
export interface DatabaseRef {
  current?: Database;
}

const database = (ref: DatabaseRef): Database => {
  if (!ref.current) throw new Error('fixture app used before its database was set');
  return ref.current;
};

export const CRASH_QUEUE = 'crashtest.work';

/**
 * A job whose first attempt never ends on its own (its worker gets SIGKILLed mid-job) and whose later attempts
 * complete. Every step lands in `crashtest.runs`, so a test can count starts and completions across processes.
 */
export const crashTestApp = (ref: DatabaseRef): AppDefinition =>
  defineApp({
    id: 'crashtest',
    title: 'Crash test',
    migrations: [
      {
        name: '0001_runs',
        sql: `create table runs (id bigserial primary key, job_id uuid not null, attempt integer not null,
                pid integer not null, step text not null)`,
      },
    ],
    jobs: [
      {
        queue: CRASH_QUEUE,
        leaseSeconds: 2,
        maxAttempts: 3,
        handler: async ({ job, signal }: JobContext) => {
          const record = (step: string) =>
            database(ref).rows(sql`insert into crashtest.runs (job_id, attempt, pid, step)
              values (${job.id}, ${job.attempts}, ${process.pid}, ${step})`);
          await record('started');
          if (job.attempts === 1) {
            await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
          }
          await record('done');
          return { pid: process.pid };
        },
      },
    ],
  });

export const CRON_QUEUE = 'crontest.tick';
export const CRON_SCHEDULE = 'crontest.every-second';

/** A job fired every second by a cron schedule; each run lands in `crontest.runs`. */
export const cronTestApp = (ref: DatabaseRef, cron = '* * * * * *'): AppDefinition =>
  defineApp({
    id: 'crontest',
    title: 'Cron test',
    migrations: [
      {
        name: '0001_runs',
        sql: `create table runs (id bigserial primary key, job_id uuid not null, idempotency_key text not null,
                pid integer not null)`,
      },
    ],
    jobs: [
      {
        queue: CRON_QUEUE,
        schedules: [{ name: CRON_SCHEDULE, cron }],
        handler: async ({ job }: JobContext) => {
          await database(ref).rows(sql`insert into crontest.runs (job_id, idempotency_key, pid)
            values (${job.id}, ${job.idempotencyKey}, ${process.pid})`);
          return null;
        },
      },
    ],
  });
