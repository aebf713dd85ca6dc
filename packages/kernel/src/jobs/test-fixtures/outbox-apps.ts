import { sql } from 'drizzle-orm';
import { type AppDefinition, defineApp } from '../../apps/define-app.ts';
import type { Executor } from '../../db/database.ts';
import type { OutboxRelay } from '../outbox-relay.ts';

export const ORDER_CREATED = 'outboxtest.order.created';

/** An app with one state table, `outboxtest.orders`, whose rows are announced through the outbox. */
export const outboxTestApp: AppDefinition = defineApp({
  id: 'outboxtest',
  title: 'Outbox test',
  migrations: [{ name: '0001_orders', sql: 'create table orders (id bigserial primary key, name text not null)' }],
});

/** The state change and its event, in the caller's transaction (the pattern every app follows). */
export async function createOrder(tx: Executor, outbox: OutboxRelay, name: string): Promise<void> {
  await tx.execute(sql`insert into outboxtest.orders (name) values (${name})`);
  await outbox.write(tx, ORDER_CREATED, { name });
}
