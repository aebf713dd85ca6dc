/**
 * Commits a state change with its outbox event, then dies by SIGKILL before any relay could publish it:
 * `node outbox-writer.ts` with DATABASE_URL set (the database already migrated with the outbox test app).
 */
import { InProcessBus } from '../../bus/in-process-bus.ts';
import { createDatabase } from '../../db/database.ts';
import { createLogger } from '../../logging/logger.ts';
import { OutboxRelay } from '../outbox-relay.ts';
import { createOrder } from './outbox-apps.ts';

const db = await createDatabase({ databaseUrl: process.env.DATABASE_URL });
const outbox = new OutboxRelay({ db, bus: new InProcessBus(), logger: createLogger({ level: 'silent' }) });
await db.transaction((tx) => createOrder(tx, outbox, 'written before the crash'));
process.kill(process.pid, 'SIGKILL');
