/**
 * Rule window state in `rule_state` (spec 02-opmas "State persistence"): dirty keys and sessions are upserted every
 * `OPMAS_STATE_CHECKPOINT_MS` in one transaction and on graceful shutdown (only what the engine touched); a starting agent loads them before it
 * consumes, so a restart or rolling update loses no window. One row per (rule, device, group key); the session-join
 * state of a rule and device is the row with group key `@session` (a real key is `name=value…` or empty).
 */
import type { Database, Orm } from '@platform/kernel/db/database.ts';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ruleState } from '../rules/rule.tables.ts';
import type { EngineChanges, EngineState } from '../rules/rule-engine.ts';
import type { KeyState } from '../rules/window-state.ts';
import { journalCursor } from './agent.tables.ts';

const SESSION_KEY = '@session';
/** The one journal consumer: the agent host of the embedded process. */
const JOURNAL_CONSUMER = 'agents';
const UPSERT_CHUNK = 500;

interface StateRow {
  ruleId: string;
  deviceSlug: string;
  groupKey: string;
  state: unknown;
}

/** A text[] parameter (drizzle would expand a plain array into a parameter list). */
const textArray = (values: string[]) =>
  sql`${`{${values.map((value) => `"${value.replace(/["\\]/g, '\\$&')}"`).join(',')}}`}::text[]`;

/** Device partition of the window stage (spec "Rule evaluation": `fnv1a32(slug) mod OPMAS_PARTITIONS`). */
export function partitionOf(slug: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < slug.length; i++) {
    hash ^= slug.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

export class StateCheckpoint {
  readonly #db: Database;
  readonly #partitions: number;

  constructor(db: Database, partitions: number) {
    this.#db = db;
    this.#partitions = partitions;
  }

  /**
   * The stored state of the given rules at their current versions (of the given partitions only, when set); rows of
   * older versions are left out.
   */
  async load(versions: ReadonlyMap<string, number>, partitions?: number[]): Promise<EngineState> {
    const state: EngineState = { v: 1, keys: {}, sessions: {}, stats: {} };
    const ids = [...versions.keys()];
    if (ids.length === 0 || partitions?.length === 0) return state;
    const rows = await this.#db.orm
      .select()
      .from(ruleState)
      .where(and(inArray(ruleState.ruleId, ids), partitions ? inArray(ruleState.partition, partitions) : undefined));
    for (const row of rows) {
      if (versions.get(row.ruleId) !== row.ruleVersion) continue;
      if (row.groupKey === SESSION_KEY) {
        state.sessions[`${row.ruleId}\u0000${row.deviceSlug}`] = row.state as EngineState['sessions'][string];
      } else {
        const entries = state.keys[row.ruleId] ?? [];
        entries.push([`${row.deviceSlug}\u0000${row.groupKey}`, row.state as KeyState]);
        state.keys[row.ruleId] = entries;
      }
    }
    return state;
  }

  /** The journal sequence number the stored state covers (0 before the first checkpoint). */
  async journalCursor(): Promise<number> {
    const [row] = await this.#db.orm
      .select({ seq: journalCursor.seq })
      .from(journalCursor)
      .where(eq(journalCursor.consumer, JOURNAL_CONSUMER));
    return row?.seq ?? 0;
  }

  /**
   * Writes the changed rows, deletes the gone ones and the rows of reset rules, and moves the journal cursor to the
   * last batch these changes include, in one transaction.
   */
  async save(
    changes: EngineChanges,
    versions: ReadonlyMap<string, number>,
    journalSeq?: number,
  ): Promise<{ written: number; deleted: number }> {
    const rows: StateRow[] = [];
    const gone: Omit<StateRow, 'state'>[] = [];
    for (const [ruleId, id, state] of changes.keys) {
      const split = id.indexOf('\u0000');
      const row = { ruleId, deviceSlug: id.slice(0, split), groupKey: id.slice(split + 1) };
      if (state) rows.push({ ...row, state });
      else gone.push(row);
    }
    for (const [scope, sessions] of changes.sessions) {
      const split = scope.indexOf('\u0000');
      const row = { ruleId: scope.slice(0, split), deviceSlug: scope.slice(split + 1), groupKey: SESSION_KEY };
      if (sessions && Object.keys(sessions).length > 0) rows.push({ ...row, state: sessions });
      else gone.push(row);
    }
    const unchanged = rows.length === 0 && gone.length === 0 && changes.resetRules.length === 0;
    if (unchanged && journalSeq === undefined) return { written: 0, deleted: 0 };
    await this.#db.transaction(async (tx) => {
      const orm: Orm = tx;
      if (journalSeq !== undefined) {
        await orm
          .insert(journalCursor)
          .values({ consumer: JOURNAL_CONSUMER, seq: journalSeq, updatedAt: new Date() })
          .onConflictDoUpdate({ target: journalCursor.consumer, set: { seq: journalSeq, updatedAt: new Date() } });
      }
      if (changes.resetRules.length > 0)
        await orm.delete(ruleState).where(inArray(ruleState.ruleId, changes.resetRules));
      for (let i = 0; i < rows.length; i += UPSERT_CHUNK) {
        const values = rows.slice(i, i + UPSERT_CHUNK).map((row) => ({
          ...row,
          partition: partitionOf(row.deviceSlug, this.#partitions),
          ruleVersion: versions.get(row.ruleId) ?? 0,
          updatedAt: new Date(),
        }));
        await orm
          .insert(ruleState)
          .values(values)
          .onConflictDoUpdate({
            target: [ruleState.ruleId, ruleState.deviceSlug, ruleState.groupKey],
            set: {
              state: sql`excluded.state`,
              ruleVersion: sql`excluded.rule_version`,
              partition: sql`excluded.partition`,
              updatedAt: sql`excluded.updated_at`,
            },
          });
      }
      // One statement for all of them (a join against the unnested key arrays): with rotating sources thousands of
      // keys expire between two checkpoints.
      if (gone.length > 0) {
        await orm
          .delete(ruleState)
          .where(
            sql`(${ruleState.ruleId}, ${ruleState.deviceSlug}, ${ruleState.groupKey}) in (select * from unnest(${textArray(
              gone.map((row) => row.ruleId),
            )}, ${textArray(gone.map((row) => row.deviceSlug))}, ${textArray(gone.map((row) => row.groupKey))}))`,
          );
      }
    });
    return { written: rows.length, deleted: gone.length };
  }
}
