import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runBusContract } from './bus.contract.ts';
import { BusClosedError } from './bus.ts';
import { createBus } from './create-bus.ts';
import { InProcessBus } from './in-process-bus.ts';

runBusContract('in-process', async (options) => new InProcessBus(options));

test('delivery is asynchronous: publish returns before any handler runs', async () => {
  const bus = new InProcessBus();
  const seen: number[] = [];
  bus.subscribe<number>('async.check', (message) => {
    seen.push(message.data);
  });
  await bus.publish('async.check', 1);
  assert.deepEqual(seen, []);
  await bus.drain();
  assert.deepEqual(seen, [1]);
});

test('queue group members take turns', async () => {
  const bus = new InProcessBus();
  const counts = [0, 0, 0];
  counts.forEach((_, member) => {
    bus.subscribe('turns', () => void counts[member]++, { queue: 'q' });
  });
  for (let n = 0; n < 30; n++) await bus.publish('turns', n);
  await bus.drain();
  assert.deepEqual(counts, [10, 10, 10]);
});

test('drain also waits for messages that handlers publish while draining', async () => {
  const bus = new InProcessBus();
  const finished: number[] = [];
  bus.subscribe<number>('chain.step', async (message) => {
    if (message.data < 5) await bus.publish('chain.step', message.data + 1);
    finished.push(message.data);
  });
  await bus.publish('chain.step', 0);
  await bus.drain();
  assert.deepEqual(finished, [0, 1, 2, 3, 4, 5]);
});

test('new subscriptions and requests are refused once draining starts', async () => {
  const bus = new InProcessBus();
  bus.subscribe('slow', () => new Promise((resolve) => setImmediate(resolve)));
  await bus.publish('slow', 1);
  const drained = bus.drain();
  assert.throws(() => bus.subscribe('late', () => {}), BusClosedError);
  await assert.rejects(bus.request('slow', 1, { timeoutMs: 1_000 }), BusClosedError);
  await drained;
});

test('the first reply wins and later replies are ignored', async () => {
  const bus = new InProcessBus();
  const results: boolean[] = [];
  bus.subscribe('twice', (message) => {
    results.push(message.respond('first'));
    results.push(message.respond('second'));
  });
  const reply = await bus.request('twice', null, { timeoutMs: 1_000 });
  assert.equal(reply.data, 'first');
  assert.deepEqual(results, [true, false]);
});

test('a long backlog yields to the event loop while it is delivered', async () => {
  const bus = new InProcessBus();
  let delivered = 0;
  let deliveredWhenTimerRan = -1;
  bus.subscribe('backlog', () => {
    delivered++;
  });
  for (let n = 0; n < 2_000; n++) await bus.publish('backlog', n);
  setImmediate(() => {
    deliveredWhenTimerRan = delivered;
  });
  await bus.drain();
  assert.equal(delivered, 2_000);
  assert.ok(deliveredWhenTimerRan > 0 && deliveredWhenTimerRan < 2_000, 'I/O callbacks ran in between');
});

test('createBus returns the in-process bus without a NATS URL', async () => {
  for (const natsUrl of [undefined, '', '  ']) {
    const bus = await createBus({ natsUrl });
    assert.ok(bus instanceof InProcessBus);
    await bus.close();
  }
});
