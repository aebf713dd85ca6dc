/**
 * The one contract every EventBus implementation must pass (spec 00-platform "Background work": the same contract
 * tests run against both implementations). Non-delivery is proven without timing: a later message that *does* match
 * the same subscription is published last, and per-publisher ordering means anything earlier would have arrived first.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import {
  BusArgumentError,
  BusClosedError,
  type BusLogger,
  type BusMessage,
  BusNoRespondersError,
  type BusOptions,
  BusSubjectError,
  BusTimeoutError,
  type EventBus,
  type SubscribeOptions,
} from './bus.ts';

export type MakeBus = (options: BusOptions) => Promise<EventBus>;

export interface BusContractOptions {
  /** Skip reason when the implementation's service is unavailable (see `natsTierSkipReason`). */
  skip?: string;
}

// Liveness bound for waiting on deliveries; generous because CI machines are slow. Never a timing assertion.
const DELIVERY_DEADLINE_MS = 10_000;

interface Collector<T> {
  messages: BusMessage<T>[];
  data(): T[];
  waitFor(count: number): Promise<void>;
}

function collect<T = unknown>(
  bus: EventBus,
  pattern: string,
  options?: SubscribeOptions,
  handle?: (message: BusMessage<T>) => void | Promise<void>,
): Collector<T> {
  const messages: BusMessage<T>[] = [];
  bus.subscribe<T>(
    pattern,
    async (message) => {
      await handle?.(message);
      messages.push(message);
    },
    options,
  );
  return {
    messages,
    data: () => messages.map((message) => message.data),
    waitFor: (count) => waitUntil(() => messages.length >= count, `${count} messages on ${pattern}`),
  };
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DELIVERY_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function recordingLogger(): BusLogger & { errors: Array<{ details: object; message: string }> } {
  const errors: Array<{ details: object; message: string }> = [];
  return {
    errors,
    error: (details, message) => errors.push({ details, message }),
    warn: () => {},
  };
}

export function runBusContract(name: string, makeBus: MakeBus, options: BusContractOptions = {}): void {
  describe(`${name} bus contract`, { skip: options.skip }, () => {
    // Unique per run so suites sharing one NATS server never see each other's traffic.
    const root = `contract.${randomUUID().slice(0, 8)}`;
    const open = async (t: TestContext, busOptions: BusOptions = {}): Promise<EventBus> => {
      const bus = await makeBus(busOptions);
      t.after(() => bus.close());
      return bus;
    };

    test('delivers a message on an exact subject with its headers and message id', async (t) => {
      const bus = await open(t);
      const inbox = collect(bus, `${root}.exact.a`);
      await bus.publish(`${root}.exact.a`, { n: 1 }, { headers: { 'X-Trace': 't-1' }, messageId: 'id-1' });
      await inbox.waitFor(1);
      const [message] = inbox.messages;
      assert.equal(message.subject, `${root}.exact.a`);
      assert.deepEqual(message.data, { n: 1 });
      assert.deepEqual(message.headers, { 'X-Trace': 't-1' });
      assert.equal(message.messageId, 'id-1');
      assert.equal(message.expectsReply, false);
      assert.equal(message.respond({ ignored: true }), false);
    });

    test('flush resolves after earlier publishes, which are then delivered', async (t) => {
      const bus = await open(t);
      const inbox = collect(bus, `${root}.flush.>`);
      for (let index = 0; index < 50; index++) await bus.publish(`${root}.flush.n`, index);
      await bus.flush();
      await inbox.waitFor(50);
      assert.deepEqual(inbox.data(), [...Array(50).keys()]);
    });

    test('`*` matches exactly one token', async (t) => {
      const bus = await open(t);
      const inbox = collect(bus, `${root}.star.*.x`);
      for (const subject of ['a.x', 'a.b.x', 'x', 'a.y', 'a.x.z', 'end.x']) {
        await bus.publish(`${root}.star.${subject}`, subject);
      }
      await inbox.waitFor(2);
      assert.deepEqual(inbox.data(), ['a.x', 'end.x']);
    });

    test('`>` matches one or more trailing tokens but not the prefix itself', async (t) => {
      const bus = await open(t);
      const inbox = collect(bus, `${root}.tail.>`);
      for (const subject of [`${root}.tail`, `${root}.tail.a`, `${root}.other.a`, `${root}.tail.a.b.c`]) {
        await bus.publish(subject, subject);
      }
      await inbox.waitFor(2);
      assert.deepEqual(inbox.data(), [`${root}.tail.a`, `${root}.tail.a.b.c`]);
    });

    test('a subscription does not receive subjects it does not match', async (t) => {
      const bus = await open(t);
      const inbox = collect(bus, `${root}.only.this`);
      for (const subject of ['only', 'only.that', 'only.this.too', 'Only.this', 'only.this']) {
        await bus.publish(`${root}.${subject}`, subject);
      }
      await inbox.waitFor(1);
      assert.deepEqual(inbox.data(), ['only.this']);
    });

    test('a queue group gets each message exactly once while a plain subscriber gets all', async (t) => {
      const bus = await open(t);
      const subject = `${root}.queue.jobs`;
      const members = [1, 2, 3].map(() => collect<number>(bus, subject, { queue: 'workers' }));
      const everything = collect<number>(bus, subject);
      const total = 30;
      for (let n = 0; n < total; n++) await bus.publish(subject, n);
      await everything.waitFor(total);
      const groupCount = () => members.reduce((sum, member) => sum + member.messages.length, 0);
      await waitUntil(() => groupCount() >= total, 'the queue group');
      const handled = members.flatMap((member) => member.data()).sort((a, b) => a - b);
      assert.deepEqual(handled, [...Array(total).keys()]);
      assert.deepEqual(everything.data(), [...Array(total).keys()]);
      assert.ok(members.filter((member) => member.messages.length > 0).length > 1, 'work is spread over members');
    });

    test('two queue groups on one subject each get every message once', async (t) => {
      const bus = await open(t);
      const subject = `${root}.queue.two`;
      const groupA = [1, 2].map(() => collect<number>(bus, subject, { queue: 'group-a' }));
      const groupB = [1, 2].map(() => collect<number>(bus, subject, { queue: 'group-b' }));
      for (let n = 0; n < 10; n++) await bus.publish(subject, n);
      for (const group of [groupA, groupB]) {
        const count = () => group.reduce((sum, member) => sum + member.messages.length, 0);
        await waitUntil(() => count() >= 10, 'a queue group');
        const handled = group.flatMap((member) => member.data()).sort((a, b) => a - b);
        assert.deepEqual(handled, [...Array(10).keys()]);
      }
    });

    test('request gets the reply of a responder, headers included', async (t) => {
      const bus = await open(t);
      bus.subscribe<{ text: string }>(`${root}.svc.echo`, (message) => {
        assert.equal(message.expectsReply, true);
        message.respond(
          { echo: message.data.text, seen: message.headers['X-Caller'] },
          { headers: { 'X-Reply': 'yes' } },
        );
      });
      const reply = await bus.request<{ echo: string; seen: string }>(
        `${root}.svc.echo`,
        { text: 'hello' },
        { timeoutMs: 5_000, headers: { 'X-Caller': 'contract' } },
      );
      assert.deepEqual(reply.data, { echo: 'hello', seen: 'contract' });
      assert.equal(reply.headers['X-Reply'], 'yes');
    });

    test('request to a queue group is answered by one member', async (t) => {
      const bus = await open(t);
      let answered = 0;
      for (const id of ['a', 'b', 'c']) {
        bus.subscribe(
          `${root}.svc.pool`,
          (message) => {
            answered++;
            message.respond(id);
          },
          { queue: 'pool' },
        );
      }
      const reply = await bus.request<string>(`${root}.svc.pool`, null, { timeoutMs: 5_000 });
      assert.ok(['a', 'b', 'c'].includes(reply.data));
      assert.equal(answered, 1);
    });

    test('request times out with BusTimeoutError when nobody answers', async (t) => {
      const bus = await open(t);
      bus.subscribe(`${root}.svc.silent`, () => {});
      await assert.rejects(bus.request(`${root}.svc.silent`, {}, { timeoutMs: 100 }), (error: unknown) => {
        assert.ok(error instanceof BusTimeoutError);
        assert.equal(error.code, 'bus_timeout');
        assert.equal(error.subject, `${root}.svc.silent`);
        return true;
      });
    });

    test('request fails with BusNoRespondersError when nobody subscribes', async (t) => {
      const bus = await open(t);
      await assert.rejects(bus.request(`${root}.svc.nobody`, {}, { timeoutMs: 5_000 }), BusNoRespondersError);
    });

    test('unsubscribe stops delivery', async (t) => {
      const bus = await open(t);
      const subject = `${root}.unsub`;
      const staying = collect<number>(bus, subject);
      const leaving: number[] = [];
      const subscription = bus.subscribe<number>(subject, (message) => {
        leaving.push(message.data);
      });
      assert.equal(subscription.pattern, subject);
      await bus.publish(subject, 1);
      await staying.waitFor(1);
      await waitUntil(() => leaving.length >= 1, 'the first delivery');
      subscription.unsubscribe();
      subscription.unsubscribe();
      await bus.publish(subject, 2);
      await bus.publish(subject, 3);
      await staying.waitFor(3);
      assert.deepEqual(leaving, [1]);
    });

    test('unsubscribe inside a handler drops deliveries already queued for it', async (t) => {
      const bus = await open(t);
      const subject = `${root}.unsub.queued`;
      const witness = collect<number>(bus, subject);
      const seen: number[] = [];
      const subscription = bus.subscribe<number>(subject, (message) => {
        seen.push(message.data);
        subscription.unsubscribe();
      });
      for (let n = 1; n <= 5; n++) await bus.publish(subject, n);
      await witness.waitFor(5);
      await waitUntil(() => seen.length >= 1, 'the first delivery');
      assert.deepEqual(seen, [1]);
    });

    test('a duplicate message id is delivered once per subscriber and once per queue group', async (t) => {
      const bus = await open(t);
      const subject = `${root}.dedup`;
      const plain = collect<string>(bus, subject);
      const group = [1, 2].map(() => collect<string>(bus, subject, { queue: 'dedup-group' }));
      for (const id of ['m1', 'm1', 'm2', 'm1', 'm2', 'm3']) await bus.publish(subject, id, { messageId: id });
      await plain.waitFor(3);
      assert.deepEqual(plain.data(), ['m1', 'm2', 'm3']);
      const count = () => group.reduce((sum, member) => sum + member.messages.length, 0);
      await waitUntil(() => count() >= 3, 'the queue group');
      assert.deepEqual(group.flatMap((member) => member.data()).sort(), ['m1', 'm2', 'm3']);
      assert.deepEqual(
        plain.messages.map((message) => message.messageId),
        ['m1', 'm2', 'm3'],
      );
    });

    test('invalid subjects, queue names, headers and payloads are rejected with typed errors', async (t) => {
      const bus = await open(t);
      for (const subject of ['', 'a..b', '.a', 'a.', 'a.*', 'a.>', '>', '*', 'a b', 'a\tb']) {
        await assert.rejects(bus.publish(subject, 1), BusSubjectError, `publish ${JSON.stringify(subject)}`);
      }
      await assert.rejects(bus.request('a.*', 1, { timeoutMs: 100 }), BusSubjectError);
      for (const pattern of ['', 'a..b', 'a.>.b', '>.a', 'a b', '.']) {
        assert.throws(() => bus.subscribe(pattern, () => {}), BusSubjectError, `subscribe ${JSON.stringify(pattern)}`);
      }
      assert.throws(() => bus.subscribe(`${root}.q`, () => {}, { queue: 'has space' }), BusSubjectError);
      for (const pattern of [`${root}.ok.*`, `${root}.ok.>`, `${root}.a*b.c>`]) {
        bus.subscribe(pattern, () => {}).unsubscribe();
      }
      await bus.publish(`${root}.a*b.c>`, 'wildcards inside a token are literal');
      for (const payload of [undefined, () => 1, 10n, Symbol('s')]) {
        await assert.rejects(bus.publish(`${root}.payload`, payload), BusArgumentError);
      }
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      await assert.rejects(bus.publish(`${root}.payload`, cyclic), BusArgumentError);
      await assert.rejects(bus.publish(`${root}.h`, 1, { headers: { 'bad name': 'x' } }), BusArgumentError);
      await assert.rejects(bus.publish(`${root}.h`, 1, { headers: { ok: 'line\r\nbreak' } }), BusArgumentError);
      await assert.rejects(bus.publish(`${root}.h`, 1, { headers: { 'Nats-Msg-Id': 'x' } }), BusArgumentError);
      await assert.rejects(bus.publish(`${root}.h`, 1, { messageId: '' }), BusArgumentError);
    });

    test('nested JSON payloads round-trip and each subscriber gets its own copy', async (t) => {
      const bus = await open(t);
      const subject = `${root}.json`;
      const payload = {
        text: 'ünïcødé ✓ "quoted" \n newline',
        numbers: [0, -1, 1.5, 1e21, Number.MAX_SAFE_INTEGER],
        flags: { yes: true, no: false, none: null },
        nested: [{ deep: [[], {}, [{ x: 'y' }]] }],
        empty: '',
        when: new Date(0),
      };
      const expected = JSON.parse(JSON.stringify(payload));
      const mutator = collect<typeof expected>(bus, subject, undefined, (message) => {
        message.data.flags.yes = false;
      });
      const reader = collect<typeof expected>(bus, subject);
      await bus.publish(subject, payload);
      await mutator.waitFor(1);
      await reader.waitFor(1);
      assert.deepEqual(reader.messages[0].data, expected);
      assert.equal(reader.messages[0].data.when, '1970-01-01T00:00:00.000Z');
      await bus.publish(`${root}.json.scalar`, null);
    });

    test('messages of one publisher on one subject arrive in order, handled one at a time', async (t) => {
      const bus = await open(t);
      const subject = `${root}.ordered`;
      let active = 0;
      let maxActive = 0;
      const inbox = collect<number>(bus, subject, undefined, async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((resolve) => setImmediate(resolve));
        active--;
      });
      const total = 200;
      const publishes: Promise<void>[] = [];
      for (let n = 0; n < total; n++) publishes.push(bus.publish(subject, n));
      await Promise.all(publishes);
      await inbox.waitFor(total);
      assert.deepEqual(inbox.data(), [...Array(total).keys()]);
      assert.equal(maxActive, 1);
    });

    test('a throwing handler is logged and neither breaks the publisher nor later deliveries', async (t) => {
      const logger = recordingLogger();
      const bus = await open(t, { logger });
      const subject = `${root}.throws`;
      const inbox = collect<number>(bus, subject, undefined, (message) => {
        if (message.data === 1) throw new Error('handler exploded');
      });
      const rejecting = collect<number>(bus, subject, undefined, async (message) => {
        if (message.data === 2) throw new Error('async handler exploded');
      });
      for (const n of [1, 2, 3]) await bus.publish(subject, n);
      await inbox.waitFor(1);
      await rejecting.waitFor(2);
      assert.deepEqual(inbox.data(), [2, 3]);
      assert.deepEqual(rejecting.data(), [1, 3]);
      assert.equal(logger.errors.length, 2);
      const messages = logger.errors.map((entry) => (entry.details as { err: Error }).err.message).sort();
      assert.deepEqual(messages, ['async handler exploded', 'handler exploded']);
      assert.ok(logger.errors.every((entry) => (entry.details as { subject: string }).subject === subject));
    });

    test('drain handles what was already published, then the bus is closed', async (t) => {
      const bus = await open(t);
      const subject = `${root}.drain`;
      const inbox = collect<number>(bus, subject);
      for (let n = 0; n < 5; n++) await bus.publish(subject, n);
      await bus.drain();
      assert.deepEqual(inbox.data(), [0, 1, 2, 3, 4]);
      await assert.rejects(bus.publish(subject, 5), BusClosedError);
    });

    test('close fails pending requests with BusClosedError', async (t) => {
      const bus = await open(t);
      const subject = `${root}.close`;
      const received = collect(bus, subject);
      const pending = bus.request(subject, 'waiting', { timeoutMs: 30_000 });
      await received.waitFor(1);
      await bus.close();
      await assert.rejects(pending, BusClosedError);
      await assert.rejects(bus.publish(subject, 'after close'), BusClosedError);
    });
  });
}
