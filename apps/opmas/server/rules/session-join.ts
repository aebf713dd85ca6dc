/**
 * Session join (spec 02 "Rule evaluation"): per (rule, device, pid), `enrich` and `reconcile` patterns store session
 * fields; a count event lacking a `require`d field takes it from the session or waits as pending up to `pending`;
 * `reconcile` counts max(0, fails − counted for the session). Needed because dropbear logs the peer address on one
 * line and the failure on another of the same pid (tricky-inputs §9).
 */
import { type CompiledRule, validateFields } from './rule-compiler.ts';
import type { PatternRole } from './rule-document.ts';

export interface PendingEvent {
  ts: number;
  deadline: number;
  fields: Record<string, string>;
  raw: string;
}

export interface Session {
  fields: Record<string, string>;
  expiresAt: number;
  counted: number;
  pending: PendingEvent[];
}

/** An event ready to be poured: its own time, fields and raw line. */
export interface CountedEvent {
  ts: number;
  fields: Record<string, string>;
  raw: string;
}

export interface JoinResult {
  counted: CountedEvent[];
  invalidKeys: number;
}

type SessionRule = CompiledRule & { session: NonNullable<CompiledRule['session']> };

function missingRequired(rule: CompiledRule, fields: Record<string, string>): boolean {
  return rule.require.some((name) => fields[name] === undefined || fields[name] === '');
}

/** Fills absent session fields; fields taken from the session are validated like captures. */
function fillFromSession(rule: CompiledRule, session: Session, fields: Record<string, string>): boolean {
  const taken: Record<string, string> = {};
  for (const name of Object.keys(session.fields)) {
    if (fields[name] === undefined) taken[name] = session.fields[name];
  }
  if (validateFields(rule, taken) !== undefined) return false;
  Object.assign(fields, taken);
  return true;
}

export class SessionJoin {
  /** `rule \0 device` → pid → session; plain data so it can be checkpointed. */
  sessions: Record<string, Record<string, Session>> = {};

  /** Joins one matched event of a session rule; `pid` null joins nothing (the event stands alone). */
  join(
    rule: SessionRule,
    device: string,
    pid: number | null,
    role: PatternRole,
    fields: Record<string, string>,
    ts: number,
    raw: string,
  ): JoinResult {
    const scope = `${rule.id}\u0000${device}`;
    const sessions = this.sessions[scope] ?? {};
    const result: JoinResult = { counted: [], invalidKeys: this.expire(sessions, ts) };
    const id = String(pid);
    let session = sessions[id];
    if (!session || session.expiresAt < ts) {
      result.invalidKeys += session?.pending.length ?? 0;
      session = { fields: {}, expiresAt: ts, counted: 0, pending: [] };
    }
    session.expiresAt = Math.max(session.expiresAt, ts + rule.session.ttlMs);
    if (pid !== null) {
      sessions[id] = session;
      this.sessions[scope] = sessions;
    } else if (Object.keys(sessions).length === 0) delete this.sessions[scope];

    if (role !== 'count') {
      for (const name of rule.session.fields) if (fields[name]) session.fields[name] = fields[name];
      result.counted.push(...this.release(rule, session, result));
    }
    if (role === 'enrich') return result;

    if (!fillFromSession(rule, session, fields)) {
      result.invalidKeys++;
      return result;
    }
    if (missingRequired(rule, fields)) {
      if (role === 'count' && pid !== null)
        session.pending.push({ ts, deadline: ts + rule.session.pendingMs, fields, raw });
      else result.invalidKeys++;
      return result;
    }
    const count = role === 'count' ? 1 : Math.max(0, Number(fields.fails ?? 0) - session.counted);
    session.counted += count;
    for (let i = 0; i < count; i++) result.counted.push({ ts, fields: { ...fields }, raw });
    return result;
  }

  /** Pending events that can now take their missing fields from the session. */
  private release(rule: CompiledRule, session: Session, result: JoinResult): CountedEvent[] {
    const released: CountedEvent[] = [];
    const waiting: PendingEvent[] = [];
    for (const pending of session.pending) {
      if (!fillFromSession(rule, session, pending.fields)) {
        result.invalidKeys++;
        continue;
      }
      if (missingRequired(rule, pending.fields)) waiting.push(pending);
      else {
        session.counted += 1;
        released.push({ ts: pending.ts, fields: pending.fields, raw: pending.raw });
      }
    }
    session.pending = waiting;
    return released;
  }

  /** Drops pendings of one rule and device whose deadline passed before `ts` (invalid keys), and expired sessions. */
  private expire(sessions: Record<string, Session>, ts: number): number {
    let expired = 0;
    for (const [id, session] of Object.entries(sessions)) {
      const kept = session.pending.filter((p) => p.deadline >= ts);
      expired += session.pending.length - kept.length;
      session.pending = kept;
      if (session.expiresAt < ts && kept.length === 0) delete sessions[id];
    }
    return expired;
  }
}
