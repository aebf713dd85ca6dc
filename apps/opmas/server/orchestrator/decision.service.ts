/**
 * Decisions (spec "Orchestrator": decision steps, TTL, escalation; bouncer pull stream): a decision blocks a scope
 * value for a duration; the duration escalates ×(n+1) for n earlier decisions on the same scope and value in 30 days,
 * capped at `OPMAS_DECISION_MAX_DURATION`. Simulated decisions (dry run) are hidden from bouncers.
 */
import type { Executor as DbExecutor, Orm } from '@platform/kernel/db/database.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { and, asc, count, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import {
  bouncerCursors,
  type DecisionRow,
  type DecisionSpec,
  decisionChanges,
  decisions,
} from './orchestrator.tables.ts';

export const DECISIONS_CHANGED_SUBJECT = 'opmas.decisions.changed';
const ESCALATION_WINDOW_MS = 30 * 86_400_000;

export interface NewDecision {
  type: DecisionSpec['type'];
  scope: DecisionSpec['scope'];
  value: string;
  baseDurationS: number;
  deviceId: string | null;
  device: string | null;
  findingId: string | null;
  profileId: string | null;
  executionId: string | null;
  origin: 'profile' | 'manual';
  simulated: boolean;
  revert: { templateId: string; params: Record<string, unknown> } | null;
}

export class DecisionService {
  readonly #kernel: Kernel;
  readonly #maxDurationS: number;

  constructor(kernel: Kernel, maxDurationS: number) {
    this.#kernel = kernel;
    this.#maxDurationS = maxDurationS;
  }

  /** The escalated duration of a new decision on this scope and value. */
  async durationFor(scope: string, value: string, baseS: number, simulated: boolean, orm?: Orm): Promise<number> {
    const [row] = await (orm ?? this.#kernel.db.orm)
      .select({ n: count() })
      .from(decisions)
      .where(
        and(
          eq(decisions.scope, scope as DecisionSpec['scope']),
          eq(decisions.value, value),
          eq(decisions.simulated, simulated),
          gt(decisions.createdAt, new Date(Date.now() - ESCALATION_WINDOW_MS)),
        ),
      );
    return Math.min(baseS * ((row?.n ?? 0) + 1), this.#maxDurationS);
  }

  /** Stores a decision with its change-feed row and bus event. */
  async create(input: NewDecision): Promise<DecisionRow> {
    return this.#kernel.db.transaction(async (tx) => {
      const orm: Orm = tx;
      const durationS = await this.durationFor(input.scope, input.value, input.baseDurationS, input.simulated, orm);
      const [row] = await orm
        .insert(decisions)
        .values({
          type: input.type,
          scope: input.scope,
          value: input.value,
          deviceId: input.deviceId,
          device: input.device,
          findingId: input.findingId,
          profileId: input.profileId,
          executionId: input.executionId,
          origin: input.origin,
          simulated: input.simulated,
          durationS,
          until: new Date(Date.now() + durationS * 1000),
          revert: input.revert,
        })
        .returning();
      await this.#changed(tx, row, 'new');
      return row;
    });
  }

  async setApplyAction(id: string, actionId: string): Promise<void> {
    await this.#kernel.db.orm.update(decisions).set({ applyActionId: actionId }).where(eq(decisions.id, id));
  }

  async setRevertAction(id: string, actionId: string): Promise<void> {
    await this.#kernel.db.orm.update(decisions).set({ revertActionId: actionId }).where(eq(decisions.id, id));
  }

  /** Marks every active decision past its `until` as expired (atomic, so replicas never expire one twice). */
  async expireDue(now = new Date()): Promise<DecisionRow[]> {
    return this.#end(and(eq(decisions.status, 'active'), lte(decisions.until, now)), 'expired', null);
  }

  /** Revokes an active decision; undefined when it is not active (anymore). */
  async revoke(id: string, by: string | null): Promise<DecisionRow | undefined> {
    const [row] = await this.#end(and(eq(decisions.id, id), eq(decisions.status, 'active')), 'revoked', by);
    return row;
  }

  /**
   * The bouncer pull (spec `GET /api/v1/decisions/stream`): `startup` lists every active non-simulated decision,
   * otherwise the changes since this token's last pull; the cursor moves to the newest change either way.
   */
  async stream(tokenId: string, startup: boolean, deviceId?: string) {
    return this.#kernel.db.transaction(async (tx) => {
      const orm: Orm = tx;
      const [cursor] = await orm.select().from(bouncerCursors).where(eq(bouncerCursors.tokenId, tokenId));
      const [latest] = await orm
        .select({ seq: sql<number>`coalesce(max(${decisionChanges.seq}), 0)` })
        .from(decisionChanges);
      const device = deviceId === undefined ? undefined : eq(decisions.deviceId, deviceId);
      let fresh: DecisionRow[];
      let gone: DecisionRow[] = [];
      if (startup || !cursor) {
        fresh = await orm
          .select()
          .from(decisions)
          .where(and(eq(decisions.status, 'active'), eq(decisions.simulated, false), device))
          .orderBy(asc(decisions.seq));
      } else {
        const changes = await orm
          .select()
          .from(decisionChanges)
          .where(gt(decisionChanges.seq, cursor.lastSeq))
          .orderBy(asc(decisionChanges.seq));
        const ids = [...new Set(changes.map((change) => change.decisionId))];
        const rows = ids.length
          ? await orm
              .select()
              .from(decisions)
              .where(and(inArray(decisions.id, ids), eq(decisions.simulated, false), device))
          : [];
        const byId = new Map(rows.map((row) => [row.id, row]));
        const deleted = new Set(changes.filter((c) => c.kind === 'deleted').map((c) => c.decisionId));
        fresh = changes.flatMap((c) =>
          c.kind === 'new' && !deleted.has(c.decisionId) ? (byId.get(c.decisionId) ?? []) : [],
        );
        gone = [...deleted].flatMap((id) => byId.get(id) ?? []);
      }
      const lastSeq = Number(latest?.seq ?? 0);
      await orm
        .insert(bouncerCursors)
        .values({ tokenId, lastSeq })
        .onConflictDoUpdate({ target: bouncerCursors.tokenId, set: { lastSeq, updatedAt: new Date() } });
      return { new: fresh, deleted: gone };
    });
  }

  async #end(where: ReturnType<typeof and>, status: 'expired' | 'revoked', by: string | null): Promise<DecisionRow[]> {
    return this.#kernel.db.transaction(async (tx) => {
      const orm: Orm = tx;
      const rows = await orm.update(decisions).set({ status, revokedBy: by }).where(where).returning();
      for (const row of rows) await this.#changed(tx, row, 'deleted');
      return rows;
    });
  }

  async #changed(tx: DbExecutor, row: DecisionRow, kind: 'new' | 'deleted'): Promise<void> {
    const orm: Orm = tx;
    await orm.insert(decisionChanges).values({ decisionId: row.id, kind });
    await this.#kernel.outbox.write(tx, DECISIONS_CHANGED_SUBJECT, {
      kind,
      decision_id: row.id,
      type: row.type,
      scope: row.scope,
      value: row.value,
      simulated: row.simulated,
      status: row.status,
    });
  }
}
