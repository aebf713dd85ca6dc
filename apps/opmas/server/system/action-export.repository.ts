import type { Orm } from '@platform/kernel/db/database.ts';
import { asc, gt } from 'drizzle-orm';
import { type ActionRow, actions } from '../orchestrator/orchestrator.tables.ts';

/** Rows read per query, so a large export never holds one huge result set in the driver. */
const PAGE = 1000;

/** Every action, oldest first, read page by page. */
export async function* allActions(orm: Orm): AsyncGenerator<ActionRow[]> {
  let after = 0;
  for (;;) {
    const rows = await orm.select().from(actions).where(gt(actions.seq, after)).orderBy(asc(actions.seq)).limit(PAGE);
    if (rows.length > 0) yield rows;
    if (rows.length < PAGE) return;
    after = rows[rows.length - 1].seq;
  }
}
