import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { buildTestApp, type TestPlatform } from '@platform/testing/build-test-app.ts';
import { describeEachEngine } from '@platform/testing/database-engines.ts';
import { natsTier } from '@platform/testing/nats-server.ts';
import { postgresForFile } from '@platform/testing/postgres-for-file.ts';
import { spawnFixture } from '@platform/testing/spawn-fixture.ts';
import { sql } from 'drizzle-orm';
import type { BusMessage } from '../bus/bus.ts';
import { connectNatsBus } from '../bus/nats-bus.ts';
import { OutboxRelay } from './outbox-relay.ts';
import { createOrder, ORDER_CREATED, outboxTestApp } from './test-fixtures/outbox-apps.ts';
import { waitFor } from './test-fixtures/wait-for.ts';

const postgres = postgresForFile();
const writerScript = join(import.meta.dirname, 'test-fixtures', 'outbox-writer.ts');

interface OutboxRow {
  id: string;
  payload: { name: string };
  published: boolean;
}

const outboxRows = (platform: TestPlatform) =>
  platform.database.rows<OutboxRow>(
    sql`select id::text, payload, published_at is not null as published from kernel.outbox order by id`,
  );

const orderNames = async (platform: TestPlatform) =>
  (await platform.database.rows<{ name: string }>(sql`select name from outboxtest.orders order by id`)).map(
    (row) => row.name,
  );

/** Collects what a subscriber's handler sees. */
const collect = () => {
  const seen: BusMessage<{ name: string }>[] = [];
  const handler = (message: BusMessage<{ name: string }>) => {
    seen.push(message);
  };
  const names = () => seen.map((message) => message.data.name);
  const received = (name: string) => waitFor(`"${name}" to be delivered`, () => names().includes(name));
  return { seen, handler, names, received };
};

// Spec 00 "Background work": domain events are written to kernel.outbox in the transaction of the state change and
// relayed to the bus, de-duplicated by outbox id.
describeEachEngine('outbox relay', (engine) => {
  test('an event written with a state change is delivered once after commit; a rollback publishes nothing', async (t) => {
    const platform = await buildTestApp({
      apps: [outboxTestApp],
      databaseUrl: await engine.newDatabaseUrl(),
      startBackground: true,
    });
    t.after(() => platform.close());
    const { kernel } = platform;
    const subscriber = collect();
    kernel.bus.subscribe('outboxtest.>', subscriber.handler);

    await kernel.db.transaction((tx) => createOrder(tx, kernel.outbox, 'first'));
    await subscriber.received('first');

    await assert.rejects(
      kernel.db.transaction(async (tx) => {
        await createOrder(tx, kernel.outbox, 'rolled back');
        throw new Error('a later check failed');
      }),
      /a later check failed/,
    );
    await kernel.db.transaction((tx) => createOrder(tx, kernel.outbox, 'second'));
    await subscriber.received('second');

    assert.deepEqual(subscriber.names(), ['first', 'second']);
    assert.deepEqual(await orderNames(platform), ['first', 'second']);
    const rows = await outboxRows(platform);
    assert.deepEqual(
      rows.map((row) => [row.payload.name, row.published]),
      [
        ['first', true],
        ['second', true],
      ],
    );
    assert.deepEqual(
      subscriber.seen.map((message) => [message.subject, message.messageId]),
      rows.map((row) => [ORDER_CREATED, `outbox-${row.id}`]),
    );
  });

  test('a row published again after a crash before marking it is handled once', async (t) => {
    const platform = await buildTestApp({ apps: [outboxTestApp], databaseUrl: await engine.newDatabaseUrl() });
    t.after(() => platform.close());
    const { kernel } = platform;
    const subscriber = collect();
    kernel.bus.subscribe('outboxtest.>', subscriber.handler);

    await kernel.db.transaction((tx) => createOrder(tx, kernel.outbox, 'once'));
    assert.equal(await kernel.outbox.relayPending(), 1);
    await subscriber.received('once');
    // What a crash between publishing and committing published_at leaves behind: the row looks unpublished.
    await platform.database.rows(sql`update kernel.outbox set published_at = null`);
    assert.equal(await kernel.outbox.relayPending(), 1);
    await kernel.db.transaction((tx) => createOrder(tx, kernel.outbox, 'marker'));
    assert.equal(await kernel.outbox.relayPending(), 1);
    await subscriber.received('marker');

    assert.deepEqual(subscriber.names(), ['once', 'marker']);
    assert.equal(await kernel.outbox.relayPending(), 0);
  });
});

describe('outbox relay across a crash [postgres, nats]', { skip: postgres.skip }, () => {
  test('an event committed by a process killed before publishing is delivered by another relay, once', async (t) => {
    const nats = await natsTier(t);
    if (!nats) return;
    const databaseUrl = await postgres.newDatabaseUrl();
    const platform = await buildTestApp({ apps: [outboxTestApp], databaseUrl });
    t.after(() => platform.close());

    const writer = spawnFixture(t, writerScript, { env: { DATABASE_URL: databaseUrl } });
    assert.equal((await writer.exited).signal, 'SIGKILL', writer.stderr());
    assert.deepEqual(await orderNames(platform), ['written before the crash']);
    const [pending] = await outboxRows(platform);
    assert.equal(pending.published, false);

    const publisherBus = await connectNatsBus({ url: nats.url, name: 'outbox-relay' });
    t.after(() => publisherBus.close());
    const subscriberBus = await connectNatsBus({ url: nats.url, name: 'outbox-subscriber' });
    t.after(() => subscriberBus.close());
    const subscriber = collect();
    subscriberBus.subscribe('outboxtest.>', subscriber.handler);
    await subscriberBus.connection.flush();

    const relay = new OutboxRelay({ db: platform.database, bus: publisherBus, logger: platform.kernel.logger });
    assert.equal(await relay.relayPending(), 1);
    await subscriber.received('written before the crash');
    assert.equal(subscriber.seen[0].messageId, `outbox-${pending.id}`);

    await platform.database.rows(sql`update kernel.outbox set published_at = null where id = ${pending.id}`);
    assert.equal(await relay.relayPending(), 1);
    await platform.database.transaction((tx) => createOrder(tx, relay, 'marker'));
    assert.equal(await relay.relayPending(), 1);
    await subscriber.received('marker');
    assert.deepEqual(subscriber.names(), ['written before the crash', 'marker']);
    // Closed here, before the NATS server stops, so the clients do not report a lost connection.
    await publisherBus.close();
    await subscriberBus.close();
  });
});
