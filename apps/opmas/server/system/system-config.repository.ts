import type { Executor, Orm } from '@platform/kernel/db/database.ts';
import { desc, eq, inArray } from 'drizzle-orm';
import { systemConfig } from '../orchestrator/orchestrator.tables.ts';
import { type ConfigHistoryRow, systemConfigHistory } from './config-history.tables.ts';

export type ConfigRow = typeof systemConfig.$inferSelect;

/** One change of a runtime setting, as the history keeps it. */
export interface ConfigChange {
  key: string;
  before: unknown;
  after: unknown;
  by: string | null;
}

/** Appends a history row in the caller's transaction (spec "API": runtime config history kept). */
export async function appendConfigHistory(tx: Executor, change: ConfigChange): Promise<void> {
  await tx.insert(systemConfigHistory).values({
    key: change.key,
    before: change.before ?? null,
    after: change.after,
    changedBy: change.by,
  });
}

/** Stores a runtime setting and its history row in the caller's transaction. */
export async function writeConfig(tx: Executor, change: ConfigChange): Promise<void> {
  const values = { value: change.after, updatedBy: change.by, updatedAt: new Date() };
  await tx
    .insert(systemConfig)
    .values({ key: change.key, ...values })
    .onConflictDoUpdate({ target: systemConfig.key, set: values });
  await appendConfigHistory(tx, change);
}

/** Reads the stored runtime settings (`system_config`) and their history. */
export class SystemConfigRepository {
  readonly #orm: Orm;

  constructor(orm: Orm) {
    this.#orm = orm;
  }

  /** The stored rows of these keys (keys never saved are absent). */
  rows(keys: string[]): Promise<ConfigRow[]> {
    return this.#orm.select().from(systemConfig).where(inArray(systemConfig.key, keys));
  }

  /** The stored value of one key, or undefined. */
  async value(key: string): Promise<unknown> {
    const [row] = await this.#orm.select().from(systemConfig).where(eq(systemConfig.key, key));
    return row?.value;
  }

  /** Changes of one key, newest first. */
  history(key: string, limit: number): Promise<ConfigHistoryRow[]> {
    return this.#orm
      .select()
      .from(systemConfigHistory)
      .where(eq(systemConfigHistory.key, key))
      .orderBy(desc(systemConfigHistory.id))
      .limit(limit);
  }
}
