import type { Orm } from '@platform/kernel/db/database.ts';
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { type RuleRow, type RuleSource, type RuleVersionRow, rules, ruleVersions } from './rule.tables.ts';
import type { RuleDocument } from './rule-document.ts';

export interface RuleListFilter {
  domain?: string;
  enabled?: boolean;
  cursor?: string;
}

/** A stored rule change: the new document and who made it. */
export interface RuleWrite {
  doc: RuleDocument;
  enabled: boolean;
  by: string | null;
}

/** Rule rows and their version history; rules are fleet-wide configuration, not owned by a user. */
export class RuleRepository {
  readonly orm: Orm;
  constructor(orm: Orm) {
    this.orm = orm;
  }

  /** One page of live rules ordered by id, after `cursor` (an id). */
  async list(filter: RuleListFilter, limit: number): Promise<RuleRow[]> {
    return this.orm
      .select()
      .from(rules)
      .where(
        and(
          eq(rules.deleted, false),
          filter.domain === undefined ? undefined : eq(rules.domain, filter.domain),
          filter.enabled === undefined ? undefined : eq(rules.enabled, filter.enabled),
          filter.cursor === undefined ? undefined : gt(rules.id, filter.cursor),
        ),
      )
      .orderBy(asc(rules.id))
      .limit(limit);
  }

  /** Every live rule (the agents' rule set). */
  async live(): Promise<RuleRow[]> {
    return this.orm.select().from(rules).where(eq(rules.deleted, false)).orderBy(asc(rules.id));
  }

  /** A rule by id, deleted built-ins included (they keep their id reserved). */
  async find(id: string): Promise<RuleRow | undefined> {
    const [row] = await this.orm.select().from(rules).where(eq(rules.id, id));
    return row;
  }

  /** Inserts a rule at version 1 with its first version row; undefined when the id is taken. */
  async insert(source: RuleSource, write: RuleWrite, packVersion?: number): Promise<RuleRow | undefined> {
    const [row] = await this.orm
      .insert(rules)
      .values({
        id: write.doc.id,
        domain: write.doc.domain,
        type: write.doc.type,
        doc: write.doc,
        enabled: write.enabled,
        source,
        packVersion: packVersion ?? null,
        createdBy: write.by,
        updatedBy: write.by,
      })
      .onConflictDoNothing()
      .returning();
    if (row) await this.#addVersion(row, write.by);
    return row;
  }

  /** Writes the next version when the stored one is still `expectedVersion`; undefined when it moved meanwhile. */
  async update(id: string, expectedVersion: number, write: RuleWrite): Promise<RuleRow | undefined> {
    const [row] = await this.orm
      .update(rules)
      .set({
        doc: write.doc,
        domain: write.doc.domain,
        type: write.doc.type,
        enabled: write.enabled,
        deleted: false,
        version: sql`${rules.version} + 1`,
        updatedBy: write.by,
        updatedAt: new Date(),
      })
      .where(and(eq(rules.id, id), eq(rules.version, expectedVersion)))
      .returning();
    if (row) await this.#addVersion(row, write.by);
    return row;
  }

  /** Removes a user rule with its history; a built-in stays as a deleted, disabled row. */
  async remove(row: RuleRow, by: string | null): Promise<void> {
    if (row.source === 'user') {
      await this.orm.delete(rules).where(eq(rules.id, row.id));
      return;
    }
    await this.orm
      .update(rules)
      .set({ deleted: true, enabled: false, updatedBy: by, updatedAt: new Date(), version: sql`${rules.version} + 1` })
      .where(eq(rules.id, row.id));
  }

  async versions(id: string): Promise<RuleVersionRow[]> {
    return this.orm.select().from(ruleVersions).where(eq(ruleVersions.ruleId, id)).orderBy(desc(ruleVersions.version));
  }

  async version(id: string, version: number): Promise<RuleVersionRow | undefined> {
    const [row] = await this.orm
      .select()
      .from(ruleVersions)
      .where(and(eq(ruleVersions.ruleId, id), eq(ruleVersions.version, version)));
    return row;
  }

  /** Counts a fire of the rule (status `trigger_count`, `last_triggered`). */
  async noteTriggered(id: string, at: Date): Promise<void> {
    await this.orm
      .update(rules)
      .set({ triggerCount: sql`${rules.triggerCount} + 1`, lastTriggered: at })
      .where(eq(rules.id, id));
  }

  /** A cheap fingerprint of the live rule set, polled as the fallback of change events (spec: 5 s DB poll). */
  async fingerprint(): Promise<string> {
    const [row] = await this.orm
      .select({ count: sql<number>`count(*)`, versions: sql<number>`coalesce(sum(${rules.version}), 0)` })
      .from(rules);
    return `${row?.count}:${row?.versions}`;
  }

  async #addVersion(row: RuleRow, by: string | null): Promise<void> {
    await this.orm
      .insert(ruleVersions)
      .values({ ruleId: row.id, version: row.version, doc: row.doc, enabled: row.enabled, changedBy: by });
  }
}
