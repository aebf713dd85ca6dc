import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { buildTestApp, type TestPlatform } from '@platform/testing/build-test-app.ts';
import { describeEachEngine, type EngineContext } from '@platform/testing/database-engines.ts';
import { sql } from 'drizzle-orm';
import { type AppJob, defineApp } from '../apps/define-app.ts';
import { isTerminal, type JobContext, type JobRow, PermanentJobError } from './job-queue.ts';
import { gate, waitFor } from './test-fixtures/wait-for.ts';

/** A platform whose only app registers the given jobs, with workers running. */
async function startQueue(t: TestContext, engine: EngineContext, jobs: AppJob[]): Promise<TestPlatform> {
  const platform = await buildTestApp({
    apps: [defineApp({ id: 'jobtest', title: 'Job queue test', jobs })],
    databaseUrl: await engine.newDatabaseUrl(),
    startBackground: true,
  });
  t.after(() => platform.close());
  return platform;
}

/** Waits until the job is terminal and its terminal event is stored. */
const finished = (platform: TestPlatform, id: string): Promise<JobRow> =>
  waitFor(`job ${id} to finish`, async () => {
    const events = await platform.kernel.jobs.events(id);
    if (!events.some((event) => isTerminal(event.type))) return undefined;
    return platform.kernel.jobs.get(id);
  });

const eventTypes = async (platform: TestPlatform, id: string): Promise<string[]> =>
  (await platform.kernel.jobs.events(id)).map((event) => event.type);

/** Wakes the workers the way an enqueue from another process does. */
const wakeWorkers = (platform: TestPlatform) => platform.database.rows(sql`select pg_notify('kernel_jobs', 'test')`);

/** Rejects once the signal aborts, like a handler that stops at its next checkpoint. */
const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });

describeEachEngine('job queue', (engine) => {
  test('an enqueued job runs once and stores its result, progress and events', async (t) => {
    let calls = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.echo',
        handler: async ({ job, progress }: JobContext<{ word: string }>) => {
          calls++;
          await progress(1, 3, 'one');
          await progress(3, 3, 'all');
          return { echoed: job.payload.word };
        },
      },
    ]);
    const queued = await platform.kernel.jobs.enqueue('jobtest.echo', { word: 'hello' });
    assert.equal(queued.status, 'queued');

    const done = await finished(platform, queued.id);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.result, { echoed: 'hello' });
    assert.equal(done.attempts, 1);
    assert.equal(calls, 1);
    assert.deepEqual(done.progress, { current: 3, total: 3, message: 'all' });
    assert.equal(done.leaseOwner, null);
    assert.ok(done.finishedAt);

    const events = await platform.kernel.jobs.events(queued.id);
    assert.deepEqual(
      events.map((event) => event.type),
      ['queued', 'running', 'progress', 'progress', 'succeeded'],
    );
    assert.deepEqual(events[2].data, { current: 1, total: 3, message: 'one' });
    assert.deepEqual(events[4].data, { result: { echoed: 'hello' } });
    // Replay after an event id returns only what came later (SSE Last-Event-ID).
    const later = await platform.kernel.jobs.events(queued.id, events[2].id);
    assert.deepEqual(
      later.map((event) => event.id),
      events.slice(3).map((event) => event.id),
    );
  });

  test('a throwing handler is retried with exponential backoff, then dead-lettered after maxAttempts', async (t) => {
    let calls = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.flaky',
        maxAttempts: 3,
        handler: async () => {
          calls++;
          throw new Error(`boom ${calls}`);
        },
      },
    ]);
    const { id } = await platform.kernel.jobs.enqueue('jobtest.flaky', {});
    for (const attempt of [1, 2]) {
      const waiting = await waitFor(`failure of attempt ${attempt}`, async () => {
        const row = await platform.kernel.jobs.get(id);
        return row?.status === 'queued' && row.attempts === attempt ? row : undefined;
      });
      assert.equal(waiting.error, `boom ${attempt}`);
      const backoffMs = 2 ** attempt * 1000;
      const delayMs = waiting.runAt.getTime() - waiting.updatedAt.getTime();
      assert.ok(delayMs > backoffMs - 1000 && delayMs <= backoffMs, `run_at ${delayMs} ms after the failure`);
      const retrying = (await platform.kernel.jobs.events(id)).filter((event) => event.type === 'retrying');
      assert.deepEqual(retrying.at(-1)?.data, { error: `boom ${attempt}`, inSeconds: 2 ** attempt });
      // Skip the wait instead of sleeping through the backoff.
      await platform.database.rows(sql`update kernel.jobs set run_at = now() where id = ${id}`);
      await wakeWorkers(platform);
    }
    const dead = await finished(platform, id);
    assert.equal(dead.status, 'dead');
    assert.equal(dead.attempts, 3);
    assert.equal(dead.error, 'boom 3');
    assert.equal(calls, 3);
    assert.deepEqual(await eventTypes(platform, id), [
      'queued',
      'running',
      'retrying',
      'running',
      'retrying',
      'running',
      'dead',
    ]);
  });

  test('a PermanentJobError fails the job at once, without retries', async (t) => {
    let calls = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.bad-input',
        handler: async () => {
          calls++;
          throw new PermanentJobError('payload has no file');
        },
      },
    ]);
    const { id } = await platform.kernel.jobs.enqueue('jobtest.bad-input', {});
    const failed = await finished(platform, id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, 1);
    assert.equal(failed.maxAttempts, 5);
    assert.equal(failed.error, 'payload has no file');
    assert.equal(calls, 1);
    assert.deepEqual(await eventTypes(platform, id), ['queued', 'running', 'failed']);
  });

  test('an idempotency key hands back the job already enqueued under it', async (t) => {
    let calls = 0;
    const handler = async () => {
      calls++;
      return null;
    };
    const platform = await startQueue(t, engine, [
      { queue: 'jobtest.import', handler },
      { queue: 'jobtest.export', handler },
    ]);
    const { jobs } = platform.kernel;
    const first = await jobs.enqueue('jobtest.import', { n: 1 }, { idempotencyKey: 'dataset-42' });
    const again = await jobs.enqueue('jobtest.import', { n: 2 }, { idempotencyKey: 'dataset-42' });
    assert.equal(again.id, first.id);
    assert.deepEqual(again.payload, { n: 1 });
    // Keys are scoped by queue.
    const otherQueue = await jobs.enqueue('jobtest.export', {}, { idempotencyKey: 'dataset-42' });
    assert.notEqual(otherQueue.id, first.id);

    await finished(platform, first.id);
    await finished(platform, otherQueue.id);
    const afterFinish = await jobs.enqueue('jobtest.import', { n: 3 }, { idempotencyKey: 'dataset-42' });
    assert.equal(afterFinish.id, first.id);
    assert.equal(afterFinish.status, 'succeeded');
    const [{ count }] = await platform.database.rows<{ count: number }>(
      sql`select count(*)::int as count from kernel.jobs where idempotency_key = 'dataset-42'`,
    );
    assert.equal(count, 2);
    assert.equal(calls, 2);
    assert.deepEqual(await eventTypes(platform, first.id), ['queued', 'running', 'succeeded']);
  });

  test('cancelling a queued job cancels it before it ever runs', async (t) => {
    let calls = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.later',
        handler: async () => {
          calls++;
          return null;
        },
      },
    ]);
    const { jobs } = platform.kernel;
    const { id } = await jobs.enqueue('jobtest.later', {}, { runAt: new Date(Date.now() + 3_600_000) });
    const cancelled = await jobs.cancel(id);
    assert.equal(cancelled.status, 'cancelled');
    assert.ok(cancelled.finishedAt);
    // Cancelling again changes nothing.
    assert.equal((await jobs.cancel(id)).status, 'cancelled');
    await platform.database.rows(sql`update kernel.jobs set run_at = now() where id = ${id}`);
    await wakeWorkers(platform);
    // A job enqueued afterwards on the same queue runs, so the cancelled one had its chance to be (wrongly) claimed.
    const marker = await jobs.enqueue('jobtest.later', {});
    await finished(platform, marker.id);
    assert.equal(calls, 1);
    assert.equal((await jobs.get(id))?.status, 'cancelled');
    assert.deepEqual(await eventTypes(platform, id), ['queued', 'cancelled']);
    await assert.rejects(jobs.cancel('00000000-0000-4000-8000-000000000000'), { statusCode: 404 });
  });

  test('cancelling a running job aborts its signal and ends it cancelled', async (t) => {
    const started = gate();
    let abortReason: unknown;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.long',
        handler: async ({ signal }: JobContext) => {
          started.open();
          try {
            return await untilAborted(signal);
          } catch (error) {
            abortReason = error;
            throw error;
          }
        },
      },
    ]);
    const { jobs } = platform.kernel;
    const { id } = await jobs.enqueue('jobtest.long', {});
    await started.opened;
    const asked = await jobs.cancel(id);
    assert.equal(asked.status, 'running');
    assert.equal(asked.cancelRequested, true);

    const cancelled = await finished(platform, id);
    assert.equal(cancelled.status, 'cancelled');
    assert.equal(cancelled.attempts, 1);
    assert.equal((abortReason as Error).message, 'cancelled');
    assert.deepEqual(await eventTypes(platform, id), ['queued', 'running', 'cancelled']);
  });

  test('a cancel requested by another process reaches the running handler through its heartbeat', async (t) => {
    const started = gate();
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.elsewhere',
        leaseSeconds: 1,
        handler: async ({ signal }: JobContext) => {
          started.open();
          return untilAborted(signal);
        },
      },
    ]);
    const { id } = await platform.kernel.jobs.enqueue('jobtest.elsewhere', {});
    await started.opened;
    // What `cancel` does when the job runs on another worker: only the flag in the database changes.
    await platform.database.rows(sql`update kernel.jobs set cancel_requested = true where id = ${id}`);
    const cancelled = await finished(platform, id);
    assert.equal(cancelled.status, 'cancelled');
  });

  test('retrying a dead job runs it again from a fresh attempt count', async (t) => {
    let calls = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.fixed-later',
        maxAttempts: 1,
        handler: async () => {
          calls++;
          if (calls === 1) throw new Error('dependency down');
          return { calls };
        },
      },
    ]);
    const { jobs } = platform.kernel;
    const { id } = await jobs.enqueue('jobtest.fixed-later', {});
    const dead = await finished(platform, id);
    assert.equal(dead.status, 'dead');
    assert.equal(dead.error, 'dependency down');

    const requeued = await jobs.retry(id);
    assert.equal(requeued.status, 'queued');
    assert.equal(requeued.attempts, 0);
    assert.equal(requeued.error, null);
    const succeeded = await waitFor('the retried job to succeed', async () => {
      const row = await jobs.get(id);
      return row?.status === 'succeeded' ? row : undefined;
    });
    assert.equal(succeeded.attempts, 1);
    assert.deepEqual(succeeded.result, { calls: 2 });
    assert.equal(calls, 2);
    await finished(platform, id);
    const events = await jobs.events(id);
    assert.deepEqual(
      events.map((event) => event.type),
      ['queued', 'running', 'dead', 'queued', 'running', 'succeeded'],
    );
    assert.deepEqual(events[3].data, { retry: true });

    await assert.rejects(jobs.retry(id), { statusCode: 409, code: 'job_not_retryable' });
    await assert.rejects(jobs.retry('00000000-0000-4000-8000-000000000000'), { statusCode: 404 });
  });

  test('a queue never runs more jobs at once than its concurrency', async (t) => {
    const release = gate();
    let active = 0;
    let mostActive = 0;
    const platform = await startQueue(t, engine, [
      {
        queue: 'jobtest.parallel',
        concurrency: 2,
        handler: async () => {
          active++;
          mostActive = Math.max(mostActive, active);
          await release.opened;
          active--;
          return null;
        },
      },
      // Registered after the limited queue: once its job ran, a worker pass went past the full queue.
      { queue: 'jobtest.marker', handler: async () => null },
    ]);
    const { jobs } = platform.kernel;
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push((await jobs.enqueue('jobtest.parallel', { n })).id);
    await waitFor('two parallel jobs to start', () => active === 2);
    const marker = await jobs.enqueue('jobtest.marker', {});
    await finished(platform, marker.id);

    const running = await platform.database.rows<{ count: number }>(
      sql`select count(*)::int as count from kernel.jobs where queue = 'jobtest.parallel' and status = 'running'`,
    );
    assert.equal(running[0].count, 2);
    assert.equal(mostActive, 2);

    release.open();
    for (const id of ids) assert.equal((await finished(platform, id)).status, 'succeeded');
    assert.equal(mostActive, 2);
  });
});
