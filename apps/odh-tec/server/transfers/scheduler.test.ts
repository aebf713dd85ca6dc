import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransferScheduler } from './scheduler.ts';

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('slots go to the job with the fewest running files, then to the oldest job', async () => {
  const scheduler = new TransferScheduler(2);
  const order: string[] = [];
  const releases: (() => void)[] = [];
  const take = (job: string, name: string) =>
    scheduler.acquire(job).then((release) => {
      order.push(name);
      releases.push(release);
    });
  void take('A', 'a1');
  void take('A', 'a2');
  void take('A', 'a3');
  void take('B', 'b1');
  void take('B', 'b2');
  await tick();
  assert.deepEqual(order, ['a1', 'a2']);
  releases[0]();
  await tick();
  // A runs 1 file, B none: B gets the slot although A's file waited longer.
  assert.deepEqual(order, ['a1', 'a2', 'b1']);
  releases[1]();
  await tick();
  // A 0 running vs B 1: A again.
  assert.deepEqual(order, ['a1', 'a2', 'b1', 'a3']);
  assert.equal(scheduler.used, 2);
});

test('raising the limit starts waiting files at once; lowering lets running files finish', async () => {
  const scheduler = new TransferScheduler(1);
  const granted: (() => void)[] = [];
  for (let k = 0; k < 4; k++) void scheduler.acquire('J').then((release) => granted.push(release));
  await tick();
  assert.equal(granted.length, 1);
  scheduler.setLimit(3);
  await tick();
  assert.equal(granted.length, 3);
  scheduler.setLimit(1);
  granted[0]();
  await tick();
  assert.equal(scheduler.used, 2);
  assert.equal(granted.length, 3);
  granted[1]();
  granted[2]();
  await tick();
  assert.equal(granted.length, 4);
  assert.equal(scheduler.used, 1);
});

test('an aborted wait leaves the queue and rejects; a released slot is released once', async () => {
  const scheduler = new TransferScheduler(1);
  const first = await scheduler.acquire('J');
  const controller = new AbortController();
  const waiting = scheduler.acquire('K', controller.signal);
  controller.abort();
  await assert.rejects(waiting, (error: { code?: string }) => error.code === 'transfer_cancelled');
  first();
  first();
  assert.equal(scheduler.used, 0);
  const again = await scheduler.acquire('J');
  assert.equal(scheduler.used, 1);
  again();
});
