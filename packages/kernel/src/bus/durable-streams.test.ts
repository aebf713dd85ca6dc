import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { natsTier, natsTierSkipReason } from '@platform/testing/nats-server.ts';
import type { BusLogger } from './bus.ts';
import { type DurableMessage, JetStreamStreams } from './durable-streams.ts';
import { connectNatsBus, type NatsBus } from './nats-bus.ts';

const quiet: BusLogger = { error: () => {}, warn: () => {} };
const STREAM = { name: 'TEST_EVENTS', subjects: ['test.events.>'], maxAgeMs: 60_000, duplicateWindowMs: 60_000 };
const CONSUMER = { stream: 'TEST_EVENTS', durable: 'test-worker', ackWaitMs: 500, maxAckPending: 1 };

async function connectTo(t: TestContext, url: string): Promise<{ bus: NatsBus; streams: JetStreamStreams }> {
  const bus = await connectNatsBus({ url, logger: quiet });
  t.after(() => bus.close());
  return { bus, streams: new JetStreamStreams(bus.connection, quiet) };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('durable streams (JetStream)', { skip: natsTierSkipReason() }, () => {
  test('a repeated message id is stored once; ensureStream is idempotent', async (t) => {
    const server = await natsTier(t);
    if (!server) return;
    const { streams } = await connectTo(t, server.url);
    await streams.ensureStream(STREAM);
    await streams.ensureStream({ ...STREAM, maxAgeMs: 120_000 });
    assert.deepEqual(await streams.publish('test.events.a', { n: 1 }, { messageId: 'one' }), { duplicate: false });
    assert.deepEqual(await streams.publish('test.events.a', { n: 1 }, { messageId: 'one' }), { duplicate: true });
    await streams.publish('test.events.b', { n: 2 }, { messageId: 'two' });
    assert.equal((await streams.state('TEST_EVENTS')).messages, 2);
  });

  test('a consumer that dies before acknowledging gets the message again; acknowledged ones never return', async (t) => {
    const server = await natsTier(t);
    if (!server) return;
    const first = await connectTo(t, server.url);
    await first.streams.ensureStream(STREAM);
    for (let n = 1; n <= 3; n++) await first.streams.publish(`test.events.${n}`, { n }, { messageId: `m${n}` });

    const seenFirst: number[] = [];
    let release = (): void => {};
    const stuck = new Promise<void>((resolve) => {
      release = resolve;
    });
    const consumer = await first.streams.consume<{ n: number }>(CONSUMER, async (message) => {
      seenFirst.push(message.data.n);
      if (message.data.n === 2) await stuck; // "crashes" while handling the second message
    });
    await until(() => seenFirst.length === 2);
    await first.bus.close(); // the process dies: message 2 is never acknowledged
    release();
    await consumer.stop();

    const second = await connectTo(t, server.url);
    const seenSecond: DurableMessage<{ n: number }>[] = [];
    const resumed = await second.streams.consume<{ n: number }>(CONSUMER, async (message) => {
      seenSecond.push(message);
    });
    t.after(() => resumed.stop());
    await until(() => seenSecond.length === 2);
    assert.deepEqual(
      seenSecond.map((message) => message.data.n),
      [2, 3],
    );
    assert.equal(seenSecond[0].messageId, 'm2');
    assert.ok(seenSecond[0].deliveryCount >= 2, 'message 2 is a redelivery');
  });

  test('a failing handler gets the message again later, in order', async (t) => {
    const server = await natsTier(t);
    if (!server) return;
    const { streams } = await connectTo(t, server.url);
    await streams.ensureStream(STREAM);
    await streams.publish('test.events.x', { n: 1 }, { messageId: 'x1' });
    await streams.publish('test.events.x', { n: 2 }, { messageId: 'x2' });
    const handled: number[] = [];
    let failures = 0;
    const consumer = await streams.consume<{ n: number }>(CONSUMER, async (message) => {
      if (message.data.n === 1 && failures === 0) {
        failures++;
        throw new Error('database unavailable');
      }
      handled.push(message.data.n);
    });
    t.after(() => consumer.stop());
    await until(() => handled.length === 2);
    assert.deepEqual(handled, [1, 2]);
  });
});
