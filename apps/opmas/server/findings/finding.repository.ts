import type { Orm } from '@platform/kernel/db/database.ts';
import { and, desc, eq, inArray, lt, ne, type SQL } from 'drizzle-orm';
import { ruleSuppressions } from '../rules/rule.tables.ts';
import type { FindingListQuery } from './finding.schema.ts';
import { type FindingRow, type FindingStatus, findingHistory, findings } from './finding.tables.ts';

/** Finding reads and status changes; lists are newest first, keyset-paginated by `seq`. */
export class FindingRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** One page matching the filters, after `cursor` (a `seq`). */
  async list(query: FindingListQuery, limit: number): Promise<FindingRow[]> {
    const filters: (SQL | undefined)[] = [
      query.status === undefined ? undefined : eq(findings.status, query.status),
      query.severity === undefined ? undefined : eq(findings.severity, query.severity),
      query.domain === undefined ? undefined : eq(findings.domain, query.domain),
      query.rule === undefined ? undefined : eq(findings.ruleId, query.rule),
      query.device === undefined ? undefined : eq(findings.device, query.device),
      query.device_id === undefined ? undefined : eq(findings.deviceId, query.device_id),
      query.cursor === undefined ? undefined : lt(findings.seq, Number(query.cursor)),
    ];
    return this.orm
      .select()
      .from(findings)
      .where(and(...filters))
      .orderBy(desc(findings.seq))
      .limit(limit);
  }

  async findById(id: string): Promise<FindingRow | undefined> {
    const [row] = await this.orm.select().from(findings).where(eq(findings.id, id));
    return row;
  }

  /** Another open finding of the same rule, device and key (reopening would break the one-open-finding rule). */
  async otherOpen(row: FindingRow): Promise<boolean> {
    const [other] = await this.orm
      .select({ id: findings.id })
      .from(findings)
      .where(
        and(
          eq(findings.ruleId, row.ruleId),
          eq(findings.device, row.device),
          eq(findings.groupKey, row.groupKey),
          inArray(findings.status, ['new', 'investigating']),
          ne(findings.id, row.id),
        ),
      );
    return other !== undefined;
  }

  /** Moves the finding from `from` to `to` and appends the timeline; undefined when its status changed meanwhile. */
  async setStatus(
    row: FindingRow,
    to: FindingStatus,
    by: string | null,
    note: string | undefined,
  ): Promise<FindingRow | undefined> {
    const now = new Date();
    const [updated] = await this.orm
      .update(findings)
      .set({
        status: to,
        updatedAt: now,
        resolvedAt: to === 'resolved' ? now : to === 'new' ? null : row.resolvedAt,
        closedAt: to === 'closed' ? now : null,
      })
      .where(and(eq(findings.id, row.id), eq(findings.status, row.status)))
      .returning();
    if (!updated) return undefined;
    await this.orm
      .insert(findingHistory)
      .values({ findingId: row.id, fromStatus: row.status, toStatus: to, changedBy: by, note: note ?? null });
    return updated;
  }

  /** Keeps the finding's rule, device and key from raising a new finding until `until`. */
  async suppress(row: FindingRow, until: Date, by: string | null): Promise<void> {
    await this.orm.insert(ruleSuppressions).values({
      ruleId: row.ruleId,
      device: row.device,
      groupKey: row.groupKey,
      until,
      findingId: row.id,
      createdBy: by,
    });
  }
}
