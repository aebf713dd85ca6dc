/**
 * Rule window state in `rule_state` (spec 02-opmas "State persistence"): dirty keys and sessions are upserted every
 * `OPMAS_STATE_CHECKPOINT_MS` in one transaction and on graceful shutdown; a starting agent loads them before it
 * consumes, so a restart or rolling update loses no window. One row per (rule, device, group key); the session-join
 * state of a rule and device is the row with group key `@session` (a real key is `name=value…` or empty).
 */
import type { Database, Orm } from '@platform/kernel/db/database.ts';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { ruleState } from '../rules/rule.tables.ts';
import type { EngineState } from '../rules/rule-engine.ts';
import type { KeyState } from '../rules/window-state.ts';

const SESSION_KEY = '@session';
const UPSERT_CHUNK = 500;

interface StateRow {
  ruleId: string;
  deviceSlug: string;
  groupKey: string;
  state: unknown;
}

/** Device partition of the window stage (spec "Rule evaluation": `fnv1a32(slug) mod OPMAS_PARTITIONS`). */
export function partitionOf(slug: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < slug.length; i++) {
    hash ^= slug.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

const rowId = (row: Pick<StateRow, 'ruleId' | 'deviceSlug' | 'groupKey'>) =>
  `${row.ruleId}\u0000${row.deviceSlug}\u0000${row.groupKey}`;

/** Engine state → rows (engine keys are `device \0 group key`, session scopes `rule \0 device`). */
function rowsOf(state: EngineState): StateRow[] {
  const rows: StateRow[] = [];
  for (const [ruleId, entries] of Object.entries(state.keys)) {
    for (const [id, keyState] of entries) {
      const split = id.indexOf('\u0000');
      rows.push({ ruleId, deviceSlug: id.slice(0, split), groupKey: id.slice(split + 1), state: keyState });
    }
  }
  for (const [scope, sessions] of Object.entries(state.sessions)) {
    const split = scope.indexOf('\u0000');
    rows.push({
      ruleId: scope.slice(0, split),
      deviceSlug: scope.slice(split + 1),
      groupKey: SESSION_KEY,
      state: sessions,
    });
  }
  return rows;
}

export class StateCheckpoint {
  readonly #db: Database;
  readonly #partitions: number;
  /** Row id → JSON last written, to write only what changed. */
  #written = new Map<string, string>();

  constructor(db: Database, partitions: number) {
    this.#db = db;
    this.#partitions = partitions;
  }

  /** The stored state of the given rules at their current versions; rows of older versions are left out. */
  async load(versions: ReadonlyMap<string, number>): Promise<EngineState> {
    const state: EngineState = { v: 1, keys: {}, sessions: {}, stats: {} };
    const ids = [...versions.keys()];
    if (ids.length === 0) return state;
    const rows = await this.#db.orm.select().from(ruleState).where(inArray(ruleState.ruleId, ids));
    for (const row of rows) {
      if (versions.get(row.ruleId) !== row.ruleVersion) continue;
      this.#written.set(rowId(row), JSON.stringify(row.state));
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

  /** Writes the rows that changed since the last save and deletes the ones that are gone, in one transaction. */
  async save(state: EngineState, versions: ReadonlyMap<string, number>): Promise<{ written: number; deleted: number }> {
    const current = new Map<string, { row: StateRow; json: string }>();
    for (const row of rowsOf(state)) current.set(rowId(row), { row, json: JSON.stringify(row.state) });
    const changed = [...current.entries()].filter(([id, { json }]) => this.#written.get(id) !== json);
    const gone = [...this.#written.keys()].filter((id) => !current.has(id));
    if (changed.length === 0 && gone.length === 0) return { written: 0, deleted: 0 };
    await this.#db.transaction(async (tx) => {
      const orm: Orm = tx;
      for (let i = 0; i < changed.length; i += UPSERT_CHUNK) {
        const values = changed.slice(i, i + UPSERT_CHUNK).map(([, { row }]) => ({
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
      for (const id of gone) {
        const [ruleId, deviceSlug, groupKey] = id.split('\u0000');
        await orm
          .delete(ruleState)
          .where(
            and(eq(ruleState.ruleId, ruleId), eq(ruleState.deviceSlug, deviceSlug), eq(ruleState.groupKey, groupKey)),
          );
      }
    });
    for (const [id, { json }] of changed) this.#written.set(id, json);
    for (const id of gone) this.#written.delete(id);
    return { written: changed.length, deleted: gone.length };
  }
}
