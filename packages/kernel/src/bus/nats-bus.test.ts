import assert from 'node:assert/strict';
import { after, describe, type TestContext, test } from 'node:test';
import { connect, headers } from '@nats-io/transport-node';
import { type NatsServer, natsTierSkipReason, startNatsServer } from '@platform/testing/nats-server.ts';
import { runBusContract } from './bus.contract.ts';
import type { BusLogger, BusOptions, EventBus } from './bus.ts';
import { createBus } from './create-bus.ts';
import { connectNatsBus, NatsBus } from './nats-bus.ts';

const skip = natsTierSkipReason();

function signal(): { fired: Promise<void>; fire: () => void } {
  let fire = (): void => {};
  const fired = new Promise<void>((resolve) => {
    fire = resolve;
  });
  return { fired, fire };
}

// One server for the whole file, started on first use so a skipped tier never tries to launch it.
let server: Promise<NatsServer> | undefined;
const serverUrl = async (): Promise<string> => {
  server ??= startNatsServer();
  return (await server).url;
};
after(async () => {
  if (server) await (await server).stop();
});

runBusContract('nats', async (options) => connectNatsBus({ ...options, url: await serverUrl(), name: 'contract' }), {
  skip,
});

describe('nats bus on a real server', { skip }, () => {
  const open = async (t: TestContext, options: BusOptions = {}): Promise<EventBus> => {
    const bus = await connectNatsBus({ ...options, url: await serverUrl() });
    t.after(() => bus.close());
    return bus;
  };
  const rawClient = async (t: TestContext) => {
    const connection = await connect({ servers: await serverUrl() });
    t.after(() => connection.close());
    return connection;
  };

  test('a queue group spread over separate connections gets each message once', async (t) => {
    const publisher = await open(t);
    const handled: number[] = [];
    const done = signal();
    for (let member = 0; member < 3; member++) {
      const bus = await open(t);
      bus.subscribe<number>(
        'nats.cross.jobs',
        (message) => {
          handled.push(message.data);
          if (handled.length === 20) done.fire();
        },
        { queue: 'cross' },
      );
      // Wait until the server knows the subscription before publishing from another connection.
      await (bus as NatsBus).connection.flush();
    }
    for (let n = 0; n < 20; n++) await publisher.publish('nats.cross.jobs', n);
    await done.fired;
    assert.deepEqual(
      handled.sort((a, b) => a - b),
      [...Array(20).keys()],
    );
  });

  test('payloads are JSON bytes and the message id travels as the Nats-Msg-Id header', async (t) => {
    const bus = await open(t);
    const raw = await rawClient(t);
    const subscription = raw.subscribe('nats.wire', { max: 1 });
    await raw.flush();
    await bus.publish('nats.wire', { a: [1, 'two'] }, { messageId: 'outbox-42', headers: { 'X-Trace': 't' } });
    for await (const message of subscription) {
      assert.equal(message.string(), '{"a":[1,"two"]}');
      assert.equal(message.headers?.get('Nats-Msg-Id'), 'outbox-42');
      assert.equal(message.headers?.get('X-Trace'), 't');
    }
  });

  test('a foreign message that is not JSON is dropped with a warning, later messages still arrive', async (t) => {
    const warnings: string[] = [];
    const logger: BusLogger = { error: () => {}, warn: (_details, message) => warnings.push(message) };
    const bus = await open(t, { logger });
    const raw = await rawClient(t);
    const received: unknown[] = [];
    const done = signal();
    bus.subscribe('nats.foreign', (message) => {
      received.push(message.data);
      done.fire();
    });
    await (bus as NatsBus).connection.flush();
    const foreignHeaders = headers();
    foreignHeaders.set('Nats-Msg-Id', 'foreign-1');
    raw.publish('nats.foreign', 'not json {');
    raw.publish('nats.foreign', '{"ok":true}', { headers: foreignHeaders });
    await done.fired;
    assert.deepEqual(received, [{ ok: true }]);
    assert.deepEqual(warnings, ['bus message dropped: payload is not JSON']);
  });

  test('replies from a plain NATS service reach bus.request', async (t) => {
    const bus = await open(t);
    const raw = await rawClient(t);
    raw.subscribe('nats.service', {
      callback: (_error, message) => {
        message.respond('{"pong":1}');
      },
    });
    await raw.flush();
    const reply = await bus.request('nats.service', { ping: 1 }, { timeoutMs: 5_000 });
    assert.deepEqual(reply.data, { pong: 1 });
  });

  test('createBus connects to NATS when a URL is given', async (t) => {
    const bus = await createBus({ natsUrl: ` ${await serverUrl()} ` });
    t.after(() => bus.close());
    assert.ok(bus instanceof NatsBus);
  });
});
