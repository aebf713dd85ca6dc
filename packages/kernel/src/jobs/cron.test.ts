import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildTestApp, type TestPlatform } from '@platform/testing/build-test-app.ts';
import { postgresForFile } from '@platform/testing/postgres-for-file.ts';
import { spawnFixture } from '@platform/testing/spawn-fixture.ts';
import { eq, sql } from 'drizzle-orm';
import { generateKey } from '../crypto/fernet.ts';
import { schedules } from '../db/kernel.schema.ts';
import { waitFor } from './test-fixtures/wait-for.ts';
import { CRON_QUEUE, CRON_SCHEDULE, cronTestApp, type DatabaseRef } from './test-fixtures/worker-apps.ts';

const postgres = postgresForFile();
const workerScript = join(import.meta.dirname, 'test-fixtures', 'job-worker.ts');
const TICKS = 5;

interface TickJob {
  id: string;
  idempotency_key: string;
  status: string;
  attempts: number;
}

const tickJobs = (platform: TestPlatform) =>
  platform.database.rows<TickJob>(
    sql`select id, idempotency_key, status, attempts from kernel.jobs where queue = ${CRON_QUEUE} order by run_at`,
  );

const scheduleRow = async (platform: TestPlatform) => {
  const [row] = await platform.database.orm.select().from(schedules).where(eq(schedules.name, CRON_SCHEDULE));
  return { next: row.nextRunAt, last: row.lastRunAt };
};

/** The tick a cron job was enqueued for, from its idempotency key `cron:<name>:<iso>`. */
const tickOf = (key: string): string => {
  const prefix = `cron:${CRON_SCHEDULE}:`;
  assert.ok(key.startsWith(prefix), key);
  const tick = key.slice(prefix.length);
  assert.equal(new Date(tick).toISOString(), tick);
  return tick;
};

describe('cron schedules [pglite]', () => {
  test('a due schedule enqueues one job for its tick and moves next_run_at on', async (t) => {
    const ref: DatabaseRef = {};
    // Yearly: never due on its own while the test runs.
    const platform = await buildTestApp({ apps: [cronTestApp(ref, '0 0 1 1 *')], startBackground: true });
    t.after(() => platform.close());
    ref.current = platform.database;

    const synced = await scheduleRow(platform);
    assert.ok(synced.next > new Date());
    assert.equal(synced.next.toISOString().slice(5), '01-01T00:00:00.000Z');
    assert.equal(synced.last, null);

    await platform.database.rows(
      sql`update kernel.schedules set next_run_at = '2020-01-01T00:00:00Z' where name = ${CRON_SCHEDULE}`,
    );
    await platform.database.rows(sql`select pg_notify('kernel_jobs', 'test')`);
    const [job] = await waitFor('the tick job to run', async () => {
      const rows = await tickJobs(platform);
      return rows.some((row) => row.status === 'succeeded') ? rows : undefined;
    });
    assert.equal(job.idempotency_key, `cron:${CRON_SCHEDULE}:2020-01-01T00:00:00.000Z`);
    assert.equal((await tickJobs(platform)).length, 1);

    const fired = await scheduleRow(platform);
    assert.equal(fired.last?.toISOString(), '2020-01-01T00:00:00.000Z');
    assert.deepEqual(fired.next, synced.next);
    const runs = await platform.database.rows<{ job_id: string }>(sql`select job_id from crontest.runs`);
    assert.deepEqual(runs, [{ job_id: job.id }]);
  });
});

// Spec 00 "Background work": cron schedules fire by compare-and-set on next_run_at, so exactly one replica enqueues.
describe('cron schedules with several workers [postgres]', { skip: postgres.skip }, () => {
  test('a cron schedule runs exactly once per tick with two worker processes on PostgreSQL', async (t) => {
    const databaseUrl = await postgres.newDatabaseUrl();
    const ref: DatabaseRef = {};
    // Migrates the database and watches it; only the two child processes run workers.
    const platform = await buildTestApp({ apps: [cronTestApp(ref)], databaseUrl });
    t.after(() => platform.close());
    ref.current = platform.database;
    const dataDir = mkdtempSync(join(tmpdir(), 'cron-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));

    const env = { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PLATFORM_SECRET_KEYS: generateKey() };
    const workers = [1, 2].map(() => spawnFixture(t, workerScript, { args: ['cron'], env }));
    await Promise.all(workers.map((worker) => worker.line('ready ')));

    await waitFor(`${TICKS} ticks to run`, async () => {
      const [{ count }] = await platform.database.rows<{ count: number }>(
        sql`select count(distinct job_id)::int as count from crontest.runs`,
      );
      return count >= TICKS;
    });
    for (const worker of workers) worker.child.kill('SIGTERM');
    for (const worker of workers) assert.equal((await worker.exited).code, 0, worker.stderr());

    const jobs = await tickJobs(platform);
    const ticks = jobs.map((job) => tickOf(job.idempotency_key));
    assert.equal(new Set(ticks).size, jobs.length, 'one job per tick');
    for (const tick of ticks) assert.equal(new Date(tick).getUTCMilliseconds(), 0);

    const runs = await platform.database.rows<{ job_id: string; idempotency_key: string; pid: number }>(
      sql`select job_id, idempotency_key, pid from crontest.runs`,
    );
    const runsPerJob = new Map<string, number>();
    for (const run of runs) runsPerJob.set(run.job_id, (runsPerJob.get(run.job_id) ?? 0) + 1);
    for (const [jobId, count] of runsPerJob) assert.equal(count, 1, `job ${jobId} ran ${count} times`);
    const ranTicks = new Set(runs.map((run) => tickOf(run.idempotency_key)));
    assert.equal(runs.length, ranTicks.size);
    assert.ok(runs.length >= TICKS);
    const workerPids = new Set(workers.map((worker) => worker.child.pid));
    for (const run of runs) assert.ok(workerPids.has(run.pid));

    const succeeded = jobs.filter((job) => job.status === 'succeeded');
    assert.deepEqual(new Set(succeeded.map((job) => job.id)), new Set(runsPerJob.keys()));
    for (const job of succeeded) assert.equal(job.attempts, 1);

    const schedule = await scheduleRow(platform);
    assert.equal(schedule.last?.toISOString(), ticks.sort().at(-1));
    assert.ok(schedule.next > (schedule.last ?? 0));
  });
});
