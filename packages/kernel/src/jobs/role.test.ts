import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, describeEachEngine } from '@platform/testing';
import { defineApp } from '../apps/define-app.ts';

const ranBy: string[] = [];
const app = defineApp({
  id: 'roletest',
  title: 'Role test',
  jobs: [{ queue: 'roletest.touch', handler: async ({ job }) => ranBy.push(job.id) }],
});

const settle = async (check: () => Promise<boolean>, ms: number) => {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
};

describeEachEngine('process roles', ({ newDatabaseUrl }) => {
  test('ROLE=api serves HTTP but leaves jobs to workers; ROLE=all runs them', async () => {
    const api = await buildTestApp({
      databaseUrl: await newDatabaseUrl(),
      apps: [app],
      env: { ROLE: 'api' },
      startBackground: true,
    });
    try {
      api.kernel.jobs.pollIntervalMs = 100;
      const job = await api.kernel.jobs.enqueue('roletest.touch', {});
      const ran = await settle(async () => (await api.kernel.jobs.get(job.id))?.status !== 'queued', 1500);
      assert.equal(ran, false, 'an API-only process claimed a job');
      assert.equal((await api.app.inject('/healthz')).statusCode, 200);
    } finally {
      await api.close();
    }
    const all = await buildTestApp({ databaseUrl: await newDatabaseUrl(), apps: [app], startBackground: true });
    try {
      const job = await all.kernel.jobs.enqueue('roletest.touch', {});
      assert.ok(await settle(async () => (await all.kernel.jobs.get(job.id))?.status === 'succeeded', 10_000));
      assert.ok(ranBy.includes(job.id));
    } finally {
      await all.close();
    }
  });
});
