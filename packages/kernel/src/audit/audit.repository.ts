import { and, desc, eq, gte, ilike, lt, lte, or, type SQL } from 'drizzle-orm';
import type { Executor, Orm } from '../db/database.ts';
import { auditLog } from '../db/kernel.schema.ts';

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditEntry = typeof auditLog.$inferInsert;

export interface AuditFilter {
  actor?: string;
  action?: string;
  target?: string;
  from?: Date;
  to?: Date;
  /** Only entries with an id below this (keyset pagination, newest first). */
  beforeId?: number;
  limit: number;
}

export class AuditRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  async append(entry: NewAuditEntry, executor: Executor = this.orm): Promise<void> {
    await executor.insert(auditLog).values(entry);
  }

  list(filter: AuditFilter): Promise<AuditRow[]> {
    const conditions: SQL[] = [];
    if (filter.actor)
      conditions.push(
        or(eq(auditLog.actorName, filter.actor), ilike(auditLog.actorName, `%${escapeLike(filter.actor)}%`))!,
      );
    if (filter.action) conditions.push(ilike(auditLog.action, `${escapeLike(filter.action)}%`));
    if (filter.target) {
      conditions.push(
        or(eq(auditLog.targetId, filter.target), ilike(auditLog.targetType, `${escapeLike(filter.target)}%`))!,
      );
    }
    if (filter.from) conditions.push(gte(auditLog.at, filter.from));
    if (filter.to) conditions.push(lte(auditLog.at, filter.to));
    if (filter.beforeId) conditions.push(lt(auditLog.id, filter.beforeId));
    return this.orm
      .select()
      .from(auditLog)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.id))
      .limit(filter.limit);
  }
}

const escapeLike = (value: string): string => value.replace(/[\\%_]/g, (character) => `\\${character}`);
