import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildTestApp } from '@platform/testing/build-test-app.ts';
import { postgresForFile } from '@platform/testing/postgres-for-file.ts';
import { spawnFixture } from '@platform/testing/spawn-fixture.ts';
import { sql } from 'drizzle-orm';
import { generateKey } from '../crypto/fernet.ts';
import { waitFor } from './test-fixtures/wait-for.ts';
import { CRASH_QUEUE, crashTestApp, type DatabaseRef } from './test-fixtures/worker-apps.ts';

const postgres = postgresForFile();
const workerScript = join(import.meta.dirname, 'test-fixtures', 'job-worker.ts');

interface RunRow {
  attempt: number;
  pid: number;
  step: string;
}

// Spec 00 "Background work": a job is claimed under a lease renewed by heartbeats; when its worker vanishes the lease
// runs out and another worker claims it. This needs real processes on a real PostgreSQL (PGlite is one process).
describe('job queue when a worker dies [postgres]', { skip: postgres.skip }, () => {
  test('a worker killed with SIGKILL mid-job → the job is re-claimed after its lease and completes once', async (t) => {
    const databaseUrl = await postgres.newDatabaseUrl();
    const ref: DatabaseRef = {};
    // Migrates the database; its own workers start only after the first worker is dead.
    const platform = await buildTestApp({ apps: [crashTestApp(ref)], databaseUrl });
    t.after(() => platform.close());
    ref.current = platform.database;
    const dataDir = mkdtempSync(join(tmpdir(), 'job-crash-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));

    const worker = spawnFixture(t, workerScript, {
      args: ['crash'],
      env: { DATABASE_URL: databaseUrl, DATA_DIR: dataDir, PLATFORM_SECRET_KEYS: generateKey() },
    });
    const childWorkerId = (await worker.line('ready ')).slice('ready '.length);

    const { id } = await platform.kernel.jobs.enqueue(CRASH_QUEUE, {});
    const runs = () =>
      platform.database.rows<RunRow>(
        sql`select attempt, pid, step from crashtest.runs where job_id = ${id} order by id`,
      );
    await waitFor('the child worker to start the job', async () => (await runs()).length > 0);
    await worker.kill();
    assert.equal((await worker.exited).signal, 'SIGKILL');

    const orphaned = await platform.kernel.jobs.get(id);
    assert.equal(orphaned?.status, 'running');
    assert.equal(orphaned?.leaseOwner, childWorkerId);

    platform.kernel.jobs.pollIntervalMs = 100;
    await platform.kernel.start();
    const done = await waitFor('the job to be re-claimed and finished', async () => {
      const row = await platform.kernel.jobs.get(id);
      return row?.status === 'succeeded' ? row : undefined;
    });
    assert.equal(done.attempts, 2);
    assert.deepEqual(done.result, { pid: process.pid });

    assert.deepEqual(await runs(), [
      { attempt: 1, pid: worker.child.pid, step: 'started' },
      { attempt: 2, pid: process.pid, step: 'started' },
      { attempt: 2, pid: process.pid, step: 'done' },
    ]);
    const events = await waitFor('the terminal event', async () => {
      const rows = await platform.kernel.jobs.events(id);
      return rows.at(-1)?.type === 'succeeded' ? rows : undefined;
    });
    assert.deepEqual(
      events.map((event) => event.type),
      ['queued', 'running', 'retrying', 'running', 'succeeded'],
    );
    assert.deepEqual(events[2].data, { error: 'worker lease expired' });
  });
});
