/**
 * Window stage of the rule engine (spec 02 "Rule evaluation"): session join → group key → engine → cooldown, on event
 * time only, so identical input order gives identical findings at any replay speed. All state is plain data
 * (`exportState`/`importState`) so a restart or a partition hand-off loses no window.
 */
import { findingEventId } from './finding-id.ts';
import { type CompiledRule, matchRule } from './rule-compiler.ts';
import type { FindingSeverity } from './rule-document.ts';
import { type CountedEvent, type Session, SessionJoin } from './session-join.ts';
import {
  type EvidenceLine,
  emptyKeyState,
  type KeyState,
  type Overflow,
  pourLeaky,
  pourMetric,
  pourThreshold,
} from './window-state.ts';

/** The parsed-event fields the engine reads. */
export interface EngineEvent {
  device: string;
  ts: number;
  app: string;
  host: string | null;
  pid: number | null;
  facility: number;
  severity: number;
  msg: string;
  raw: string;
}

export interface MetricSample {
  device: string;
  ts: number;
  metric: string;
  value: number;
  labels: Record<string, string>;
}

export interface FindingEvent {
  event_id: string;
  kind: 'fired' | 'updated';
  rule_id: string;
  domain: string;
  severity: FindingSeverity;
  device: string;
  group_key: string;
  fields: Record<string, string>;
  event_count: number;
  first_seen: number;
  last_seen: number;
  evidence: EvidenceLine[];
  labels: Record<string, string>;
  title: string;
  update_seq: number;
}

export interface FactEvent {
  rule_id: string;
  kind: string;
  device: string;
  ts: number;
  key: string;
  fields: Record<string, string>;
}

export interface RuleStats {
  matches: number;
  invalid_keys: number;
  fires: number;
  evicted_keys: number;
  /** Time spent evaluating the rule (status `eval_ms`, slow-rule guard). */
  eval_ms: number;
}

const emptyStats = (): RuleStats => ({ matches: 0, invalid_keys: 0, fires: 0, evicted_keys: 0, eval_ms: 0 });

export interface EngineOutput {
  findings: FindingEvent[];
  facts: FactEvent[];
}

export interface EngineState {
  v: 1;
  keys: Record<string, [string, KeyState][]>;
  sessions: Record<string, Record<string, Session>>;
  stats: Record<string, RuleStats>;
}

/** What changed since the last `takeChanges`: states to write (null = gone) and rules whose state was reset. */
export interface EngineChanges {
  keys: [ruleId: string, id: string, state: KeyState | null][];
  sessions: [scope: string, sessions: Record<string, Session> | null][];
  resetRules: string[];
}

export interface EngineOptions {
  maxKeysPerRule?: number;
  evidenceMax?: number;
  matchMaxChars?: number;
}

/** `name=value` pairs in groupby order joined by `,`; a missing value is empty. */
export function groupKey(groupby: string[], fields: Record<string, string>, event?: EngineEvent): string {
  const value = (name: string): string => {
    if (name === '$app') return event?.app ?? '';
    if (name === '$host') return event?.host ?? '';
    if (name === '$pid') return event?.pid === null || event?.pid === undefined ? '' : String(event.pid);
    return fields[name] ?? '';
  };
  return groupby.map((name) => `${name}=${value(name)}`).join(',');
}

/** What window state depends on: anything here changing makes old state meaningless. */
function stateShape(rule: CompiledRule): string {
  return JSON.stringify([
    rule.type,
    rule.patterns.map((p) => [p.regex.source, p.regex.flags, p.role]),
    rule.exclude.map((r) => r.source),
    rule.programs && [...rule.programs],
    rule.facilities && [...rule.facilities],
    rule.severityMax,
    rule.metricName,
    rule.session,
    rule.require,
    rule.validate,
    rule.groupby,
    rule.distinct,
  ]);
}

function renderTitle(rule: CompiledRule, fields: Record<string, string>): string {
  return rule.title ? rule.title.replace(/\{\{(\w+)\}\}/g, (_, name: string) => fields[name] ?? '') : rule.id;
}

export class RuleEngine {
  #rules: CompiledRule[];
  readonly #maxKeys: number;
  readonly #evidenceMax: number;
  readonly #matchMaxChars: number | undefined;
  /** rule id → (`device \0 group key` → state), in least-recently-used order. */
  #keys = new Map<string, Map<string, KeyState>>();
  #sessions = new SessionJoin();
  #stats = new Map<string, RuleStats>();
  /** Keys (`rule \0 id`) and session scopes touched since the last `takeChanges`, for incremental checkpoints. */
  #dirtyKeys = new Set<string>();
  #dirtySessions = new Set<string>();
  #resetRules = new Set<string>();

  constructor(rules: CompiledRule[], options: EngineOptions = {}) {
    this.#rules = rules;
    this.#maxKeys = options.maxKeysPerRule ?? 10_000;
    this.#evidenceMax = options.evidenceMax ?? 20;
    this.#matchMaxChars = options.matchMaxChars;
    for (const rule of rules) this.#stats.set(rule.id, emptyStats());
  }

  /**
   * Swaps the rule set between batches (hot reload). A rule keeps its window state when only thresholds, cooldown,
   * severity or labels changed (spec 02 "Rule documents"); otherwise its state and sessions are reset.
   */
  replaceRules(rules: CompiledRule[]): void {
    const previous = new Map(this.#rules.map((rule) => [rule.id, stateShape(rule)]));
    for (const rule of rules) {
      if (previous.get(rule.id) === stateShape(rule)) continue;
      this.#keys.delete(rule.id);
      this.#resetRules.add(rule.id);
      for (const scope of Object.keys(this.#sessions.sessions)) {
        if (scope.startsWith(`${rule.id}\u0000`)) delete this.#sessions.sessions[scope];
      }
      this.#stats.set(rule.id, emptyStats());
    }
    this.#rules = rules;
  }

  ruleIds(): string[] {
    return this.#rules.map((rule) => rule.id);
  }

  /** The compiled rule this engine runs under the id. */
  rule(ruleId: string): CompiledRule | undefined {
    return this.#rules.find((rule) => rule.id === ruleId);
  }

  stats(ruleId: string): RuleStats | undefined {
    const stats = this.#stats.get(ruleId);
    return stats && { ...stats };
  }

  /** Evaluates one log event against every rule. */
  evaluate(event: EngineEvent): EngineOutput {
    const output: EngineOutput = { findings: [], facts: [] };
    for (const rule of this.#rules) {
      if (rule.type === 'metric' || !rule.enabled) continue;
      const started = performance.now();
      const match = matchRule(rule, event, this.#matchMaxChars);
      const stats = this.#statsOf(rule);
      if (!match) {
        stats.eval_ms += performance.now() - started;
        continue;
      }
      stats.matches++;
      if (match.kind === 'invalid') {
        stats.invalid_keys++;
        continue;
      }
      let counted: CountedEvent[];
      if (rule.session) {
        this.#dirtySessions.add(`${rule.id}\u0000${event.device}`);
        const joined = this.#sessions.join(
          rule as CompiledRule & { session: NonNullable<CompiledRule['session']> },
          event.device,
          event.pid,
          match.role,
          match.fields,
          event.ts,
          event.raw,
        );
        stats.invalid_keys += joined.invalidKeys;
        counted = joined.counted;
      } else if (match.role === 'enrich') counted = [];
      else if (rule.require.some((name) => !match.fields[name])) {
        stats.invalid_keys++;
        counted = [];
      } else {
        const times = match.role === 'reconcile' ? Math.max(0, Number(match.fields.fails ?? 0)) : 1;
        counted = Array.from({ length: times }, () => ({ ts: event.ts, fields: match.fields, raw: event.raw }));
      }
      for (const item of counted) this.#pour(rule, event, item, output);
      stats.eval_ms += performance.now() - started;
    }
    return output;
  }

  /** Evaluates one pushed telemetry sample against the metric rules. */
  evaluateSample(sample: MetricSample): EngineOutput {
    const output: EngineOutput = { findings: [], facts: [] };
    for (const rule of this.#rules) {
      if (rule.type !== 'metric' || !rule.enabled || rule.metricName !== sample.metric || !rule.metric) continue;
      this.#statsOf(rule).matches++;
      const fields = { ...sample.labels, metric: sample.metric, value: String(sample.value) };
      const key = groupKey(rule.groupby, sample.labels);
      const raw = `${sample.metric}${JSON.stringify(sample.labels)} ${sample.value}`;
      const metric = rule.metric;
      this.#windowStep(rule, sample.device, key, { ts: sample.ts, fields, raw }, output, (state) =>
        pourMetric(state, sample.ts, sample.value, metric),
      );
    }
    return output;
  }

  exportState(): EngineState {
    const keys: Record<string, [string, KeyState][]> = {};
    for (const [ruleId, map] of this.#keys) keys[ruleId] = [...map.entries()];
    return structuredClone({
      v: 1,
      keys,
      sessions: this.#sessions.sessions,
      stats: Object.fromEntries(this.#stats),
    });
  }

  /** Restores state from `exportState`; state of rules this engine does not have is ignored. */
  importState(state: EngineState): void {
    const copy = structuredClone(state);
    const known = new Set(this.#rules.map((rule) => rule.id));
    this.#keys = new Map(
      Object.entries(copy.keys)
        .filter(([id]) => known.has(id))
        .map(([id, e]) => [id, new Map(e)]),
    );
    this.#sessions.sessions = Object.fromEntries(
      Object.entries(copy.sessions).filter(([id]) => known.has(id.slice(0, id.indexOf('\u0000')))),
    );
    for (const [id, stats] of Object.entries(copy.stats)) if (known.has(id)) this.#stats.set(id, stats);
  }

  /** Adds the state of devices this engine takes over (a partition hand-off); their current state is replaced. */
  mergeState(state: EngineState): void {
    const known = new Set(this.#rules.map((rule) => rule.id));
    for (const [ruleId, entries] of Object.entries(structuredClone(state.keys))) {
      if (!known.has(ruleId)) continue;
      let map = this.#keys.get(ruleId);
      if (!map) {
        map = new Map();
        this.#keys.set(ruleId, map);
      }
      for (const [id, keyState] of entries) map.set(id, keyState);
    }
    for (const [scope, sessions] of Object.entries(structuredClone(state.sessions))) {
      if (known.has(scope.slice(0, scope.indexOf('\u0000')))) this.#sessions.sessions[scope] = sessions;
    }
  }

  /**
   * Forgets the state of devices another node now owns. Call after their changes were checkpointed: nothing is
   * marked for deletion, the stored rows are the new owner's starting point.
   */
  dropDevices(owned: (device: string) => boolean): void {
    for (const [ruleId, map] of this.#keys) {
      for (const id of [...map.keys()]) {
        if (owned(id.slice(0, id.indexOf('\u0000')))) continue;
        map.delete(id);
        this.#dirtyKeys.delete(`${ruleId}\u0000${id}`);
      }
    }
    for (const scope of Object.keys(this.#sessions.sessions)) {
      if (owned(scope.slice(scope.indexOf('\u0000') + 1))) continue;
      delete this.#sessions.sessions[scope];
      this.#dirtySessions.delete(scope);
    }
  }

  #statsOf(rule: CompiledRule): RuleStats {
    let stats = this.#stats.get(rule.id);
    if (!stats) {
      stats = emptyStats();
      this.#stats.set(rule.id, stats);
    }
    return stats;
  }

  #pour(rule: CompiledRule, event: EngineEvent, item: CountedEvent, output: EngineOutput): void {
    if (rule.type === 'fact' && rule.fact) {
      const fields: Record<string, string> = {};
      for (const name of rule.fact.fields) if (item.fields[name] !== undefined) fields[name] = item.fields[name];
      const key = item.fields[rule.fact.key] ?? '';
      output.facts.push({ rule_id: rule.id, kind: rule.fact.kind, device: event.device, ts: item.ts, key, fields });
      return;
    }
    const key = groupKey(rule.groupby, item.fields, event);
    const distinct = rule.distinct === undefined ? undefined : (item.fields[rule.distinct] ?? '');
    this.#windowStep(rule, event.device, key, item, output, (state): Overflow | undefined => {
      if (rule.type === 'trigger') return { eventCount: 1, firstSeen: item.ts };
      if (rule.threshold) return pourThreshold(state, item.ts, rule.threshold.count, rule.threshold.windowMs, distinct);
      if (rule.leaky) return pourLeaky(state, item.ts, rule.leaky.capacity, rule.leaky.leakMs, distinct);
      return undefined;
    });
  }

  /** Cooldown check, then the engine step; emits `fired` on overflow and `updated` for events inside the cooldown. */
  #windowStep(
    rule: CompiledRule,
    device: string,
    key: string,
    item: CountedEvent,
    output: EngineOutput,
    step: (state: KeyState) => Overflow | undefined,
  ): void {
    const state = this.#keyState(rule.id, device, key);
    const inCooldown =
      state.firedAt !== null &&
      state.cooldownUntil !== null &&
      item.ts >= state.firedAt &&
      item.ts < state.cooldownUntil;
    if (inCooldown && state.episode) {
      const episode = state.episode;
      episode.event_count++;
      episode.last_seen = Math.max(episode.last_seen, item.ts);
      episode.update_seq++;
      output.findings.push(
        this.#findingEvent(rule, device, key, 'updated', findingEventId(episode.event_id, episode.update_seq), [item]),
      );
      return;
    }
    state.evidence.push({ ts: item.ts, raw: item.raw });
    if (state.evidence.length > this.#evidenceMax) state.evidence.shift();
    const overflow = step(state);
    if (!overflow) return;
    state.fireSeq++;
    const eventId = findingEventId(rule.id, device, key, overflow.firstSeen, state.fireSeq);
    state.episode = {
      event_id: eventId,
      first_seen: overflow.firstSeen,
      last_seen: item.ts,
      event_count: overflow.eventCount,
      fields: item.fields,
      update_seq: 0,
    };
    state.firedAt = item.ts;
    state.cooldownUntil = item.ts + rule.cooldownMs;
    const evidence = state.evidence.filter((line) => line.ts >= overflow.firstSeen);
    state.evidence = [];
    this.#statsOf(rule).fires++;
    output.findings.push(this.#findingEvent(rule, device, key, 'fired', eventId, evidence));
  }

  #findingEvent(
    rule: CompiledRule,
    device: string,
    key: string,
    kind: 'fired' | 'updated',
    eventId: string,
    evidence: EvidenceLine[],
  ): FindingEvent {
    const episode = this.#keyState(rule.id, device, key).episode;
    if (!episode) throw new Error('finding event without an episode');
    return {
      event_id: eventId,
      kind,
      rule_id: rule.id,
      domain: rule.domain,
      severity: rule.severity,
      device,
      group_key: key,
      fields: { ...episode.fields },
      event_count: episode.event_count,
      first_seen: episode.first_seen,
      last_seen: episode.last_seen,
      evidence: evidence.map(({ ts, raw }) => ({ ts, raw })),
      labels: { ...rule.labels },
      title: renderTitle(rule, episode.fields),
      update_seq: episode.update_seq,
    };
  }

  /**
   * The window state changed since the last call (deep copies), for checkpoints that write only what moved: a
   * restart then loses no window, and a quiet fleet costs nothing.
   */
  takeChanges(): EngineChanges {
    const keys: EngineChanges['keys'] = [];
    for (const dirty of this.#dirtyKeys) {
      const split = dirty.indexOf('\u0000');
      const ruleId = dirty.slice(0, split);
      const id = dirty.slice(split + 1);
      const state = this.#keys.get(ruleId)?.get(id);
      keys.push([ruleId, id, state ? structuredClone(state) : null]);
    }
    const sessions: EngineChanges['sessions'] = [...this.#dirtySessions].map((scope) => {
      const value = this.#sessions.sessions[scope];
      return [scope, value ? structuredClone(value) : null];
    });
    const changes = { keys, sessions, resetRules: [...this.#resetRules] };
    this.#dirtyKeys.clear();
    this.#dirtySessions.clear();
    this.#resetRules.clear();
    return changes;
  }

  #keyState(ruleId: string, device: string, key: string): KeyState {
    let map = this.#keys.get(ruleId);
    if (!map) {
      map = new Map();
      this.#keys.set(ruleId, map);
    }
    const id = `${device}\u0000${key}`;
    this.#dirtyKeys.add(`${ruleId}\u0000${id}`);
    let state = map.get(id);
    if (state) map.delete(id);
    else {
      state = emptyKeyState();
      if (map.size >= this.#maxKeys) {
        const oldest = map.keys().next().value;
        if (oldest !== undefined) {
          map.delete(oldest);
          this.#dirtyKeys.add(`${ruleId}\u0000${oldest}`);
        }
        const stats = this.#stats.get(ruleId);
        if (stats) stats.evicted_keys++;
      }
    }
    map.set(id, state); // re-insert: the map's order is least recently used first
    return state;
  }
}
