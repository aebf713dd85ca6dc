/**
 * One replica starting up: `node migrate-once.ts` with DATABASE_URL set connects, prints `ready`, waits for `go` on
 * stdin (so that several processes start migrating together), runs the race unit and prints `applied <json>`.
 */
import { sql } from 'drizzle-orm';
import { createDatabase } from '../database.ts';
import { runMigrations } from '../migrator.ts';
import { raceUnit } from './race-unit.ts';

const db = await createDatabase({ databaseUrl: process.env.DATABASE_URL, poolSize: 2 });
await db.rows(sql`select 1`);
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
let input = '';
for await (const chunk of process.stdin) {
  input += chunk;
  if (input.includes('go\n')) break;
}
if (!input.includes('go\n')) process.exit(1);
const applied = await runMigrations(db, [raceUnit]);
process.stdout.write(`applied ${JSON.stringify(applied)}\n`);
await db.close();
process.exit(0);
