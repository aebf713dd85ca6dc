import { randomUUID } from 'node:crypto';
import type { Orm } from '@platform/kernel/db/database.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { clientInventory } from '../inventory/inventory.tables.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { ruleSuppressions, rules } from '../rules/rule.tables.ts';
import type { FindingEvent } from '../rules/rule-engine.ts';
import type { EvidenceLine } from '../rules/window-state.ts';
import { type FindingRow, findingEvents, findings } from './finding.tables.ts';

/** spec 02-opmas `OPMAS_EVIDENCE_MAX`: a finding keeps at most this many raw lines (the latest). */
export const EVIDENCE_MAX = 20;

/**
 * Bus subject of a stored finding change (outbox). Not `opmas.findings.<domain>`: with NATS that subject space is
 * the JetStream stream of window-stage events (spec "State persistence"), which must not capture stored changes.
 */
export const findingChangeSubject = (domain: string): string => `opmas.finding.changed.${domain}`;

/** A window-stage event plus the device id the log batch carried and when its triggering line arrived (ms). */
export type DeviceFindingEvent = FindingEvent & { device_id: string | null; trigger_received_at?: number };

const cap = (lines: EvidenceLine[]): EvidenceLine[] => lines.slice(-EVIDENCE_MAX);
const keyOf = (event: { rule_id: string; device: string; group_key: string }): string =>
  `${event.rule_id}\u0000${event.device}\u0000${event.group_key}`;
const rowKey = (row: FindingRow): string => `${row.ruleId}\u0000${row.device}\u0000${row.groupKey}`;

interface Working {
  row: FindingRow;
  /** Not in the database yet. */
  created: boolean;
  changed: boolean;
}

/**
 * Stores window-stage finding events (spec "Findings and orchestrator") in one transaction per batch: every event id
 * is claimed once (a replayed or redelivered id is skipped), a `fired` merges into the open finding of (rule, device,
 * key) or creates one with status `new` (unless a suppression holds), an `updated` adds one event inside the cooldown,
 * and each change goes to the outbox (`opmas.finding.changed.<domain>`) for the profile matcher and the live stream.
 * The batch is applied in memory in event order and written with a handful of statements, so storage keeps up with
 * bursts of findings instead of paying a transaction per event.
 */
export class FindingRecorder {
  readonly #kernel: Kernel;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  /** Applies one event; undefined when it was already applied, suppressed, or updates no open finding. */
  async record(event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const [row] = await this.recordBatch([event]);
    return row;
  }

  /** Applies events in order; the result holds each event's finding as that event left it (or undefined). */
  async recordBatch(events: DeviceFindingEvent[]): Promise<(FindingRow | undefined)[]> {
    if (events.length === 0) return [];
    const results = await this.#kernel.db.transaction((tx) => this.#store(tx, events));
    const metrics = opmasMetricsOf(this.#kernel);
    const now = Date.now();
    events.forEach((event, index) => {
      const row = results[index];
      if (!row || event.kind !== 'fired') return;
      if (row.occurrences === 1) metrics.findings.inc({ domain: row.domain, severity: row.severity });
      if (event.trigger_received_at !== undefined) {
        metrics.pipelineLatency.observe((now - event.trigger_received_at) / 1000);
      }
    });
    return results;
  }

  async #store(orm: Orm, events: DeviceFindingEvent[]): Promise<(FindingRow | undefined)[]> {
    const applied = await this.#alreadyApplied(orm, events);
    const fresh = events.filter((event) => !applied.has(event.event_id));
    const results: (FindingRow | undefined)[] = events.map(() => undefined);
    if (fresh.length === 0) return results;
    const open = await this.#openFindings(orm, fresh);
    const suppressed = await this.#suppressedKeys(orm, fresh);
    const clients = await this.#clients(orm, fresh);
    const working = new Map<string, Working>();
    const claims: (typeof findingEvents.$inferInsert)[] = [];
    const changes: { subject: string; payload: unknown }[] = [];
    const triggered = new Map<string, number>();
    const now = new Date();

    events.forEach((event, index) => {
      if (applied.has(event.event_id)) return;
      applied.add(event.event_id); // the same id twice in one batch applies once
      const key = keyOf(event);
      let current = working.get(key);
      if (!current) {
        const row = open.get(key);
        if (row) current = { row: { ...row }, created: false, changed: false };
      }
      if (event.kind === 'fired') {
        // spec "Finding states": a `false_positive` with `suppress_for` keeps the same key from raising a new finding.
        if (!current && suppressed.has(key)) return;
        if (current) merge(current.row, event, now);
        else current = { row: newFinding(event, enrich(event, clients), now), created: true, changed: true };
        triggered.set(event.rule_id, (triggered.get(event.rule_id) ?? 0) + 1);
      } else {
        if (!current) return;
        addUpdate(current.row, event, now);
      }
      current.changed = true;
      working.set(key, current);
      const snapshot = { ...current.row };
      results[index] = snapshot;
      claims.push({ eventId: event.event_id, findingId: snapshot.id, kind: event.kind });
      changes.push({
        subject: findingChangeSubject(snapshot.domain),
        payload: { ...event, finding_id: snapshot.id, status: snapshot.status, occurrences: snapshot.occurrences },
      });
    });

    await this.#write(orm, [...working.values()], results);
    if (claims.length > 0) await orm.insert(findingEvents).values(claims);
    for (const [ruleId, count] of triggered) {
      await orm
        .update(rules)
        .set({ triggerCount: sql`${rules.triggerCount} + ${count}`, lastTriggered: now })
        .where(eq(rules.id, ruleId));
    }
    await this.#kernel.outbox.writeMany(orm, changes);
    return results;
  }

  async #alreadyApplied(orm: Orm, events: DeviceFindingEvent[]): Promise<Set<string>> {
    const rows = await orm
      .select({ id: findingEvents.eventId })
      .from(findingEvents)
      .where(
        inArray(
          findingEvents.eventId,
          events.map((event) => event.event_id),
        ),
      );
    return new Set(rows.map((row) => row.id));
  }

  /** Open findings of the batch's keys (queried as a superset by each column, then matched exactly). */
  async #openFindings(orm: Orm, events: DeviceFindingEvent[]): Promise<Map<string, FindingRow>> {
    const rows = await orm
      .select()
      .from(findings)
      .where(
        and(
          inArray(findings.status, ['new', 'investigating']),
          inArray(findings.ruleId, unique(events.map((event) => event.rule_id))),
          inArray(findings.device, unique(events.map((event) => event.device))),
          inArray(findings.groupKey, unique(events.map((event) => event.group_key))),
        ),
      );
    const wanted = new Set(events.map(keyOf));
    return new Map(rows.filter((row) => wanted.has(rowKey(row))).map((row) => [rowKey(row), row]));
  }

  async #suppressedKeys(orm: Orm, events: DeviceFindingEvent[]): Promise<Set<string>> {
    const fired = events.filter((event) => event.kind === 'fired');
    if (fired.length === 0) return new Set();
    const rows = await orm
      .select({ ruleId: ruleSuppressions.ruleId, device: ruleSuppressions.device, groupKey: ruleSuppressions.groupKey })
      .from(ruleSuppressions)
      .where(
        and(
          gt(ruleSuppressions.until, new Date()),
          inArray(ruleSuppressions.ruleId, unique(fired.map((event) => event.rule_id))),
          inArray(ruleSuppressions.device, unique(fired.map((event) => event.device))),
          inArray(ruleSuppressions.groupKey, unique(fired.map((event) => event.group_key))),
        ),
      );
    return new Set(rows.map((row) => keyOf({ rule_id: row.ruleId, device: row.device, group_key: row.groupKey })));
  }

  /** spec "Should": inventory entries for the batch's (device, MAC) pairs, to enrich findings carrying a MAC. */
  async #clients(
    orm: Orm,
    events: DeviceFindingEvent[],
  ): Promise<Map<string, { ip: string | null; hostname: string | null }>> {
    const withMac = events.filter((event) => event.fields.mac && event.device_id);
    if (withMac.length === 0) return new Map();
    const rows = await orm
      .select()
      .from(clientInventory)
      .where(
        and(
          inArray(clientInventory.deviceId, unique(withMac.map((event) => event.device_id as string))),
          inArray(clientInventory.mac, unique(withMac.map((event) => event.fields.mac.toLowerCase()))),
        ),
      );
    return new Map(rows.map((row) => [`${row.deviceId}\u0000${row.mac}`, row]));
  }

  /** Inserts the new findings and updates the changed ones; new rows get their list cursor (`seq`) back. */
  async #write(orm: Orm, working: Working[], results: (FindingRow | undefined)[]): Promise<void> {
    const created = working.filter((entry) => entry.created).map((entry) => entry.row);
    if (created.length > 0) {
      const inserted = await orm
        .insert(findings)
        .values(created.map(({ seq: _seq, ...row }) => row))
        .returning({ id: findings.id, seq: findings.seq });
      const seqs = new Map(inserted.map((row) => [row.id, row.seq]));
      for (const result of results) if (result && seqs.has(result.id)) result.seq = seqs.get(result.id) as number;
    }
    for (const { row } of working.filter((entry) => !entry.created && entry.changed)) {
      await orm
        .update(findings)
        .set({
          occurrences: row.occurrences,
          eventCount: row.eventCount,
          lastSeen: row.lastSeen,
          evidence: row.evidence,
          fields: row.fields,
          updateSeq: row.updateSeq,
          updatedAt: row.updatedAt,
        })
        .where(eq(findings.id, row.id));
    }
  }
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function enrich(
  event: DeviceFindingEvent,
  clients: Map<string, { ip: string | null; hostname: string | null }>,
): Record<string, string> {
  const mac = event.fields.mac;
  if (!mac || !event.device_id) return event.fields;
  const client = clients.get(`${event.device_id}\u0000${mac.toLowerCase()}`);
  if (!client) return event.fields;
  return {
    ...event.fields,
    ...(client.ip ? { client_ip: client.ip } : {}),
    ...(client.hostname ? { client_hostname: client.hostname } : {}),
  };
}

function newFinding(event: DeviceFindingEvent, fields: Record<string, string>, now: Date): FindingRow {
  return {
    id: randomUUID(),
    seq: 0,
    ruleId: event.rule_id,
    domain: event.domain,
    severity: event.severity,
    status: 'new',
    title: event.title,
    device: event.device,
    deviceId: event.device_id,
    groupKey: event.group_key,
    fields,
    eventCount: event.event_count,
    occurrences: 1,
    firstSeen: new Date(event.first_seen),
    lastSeen: new Date(event.last_seen),
    evidence: cap(event.evidence),
    labels: event.labels,
    updateSeq: event.update_seq,
    source: 'rule',
    createdAt: now,
    updatedAt: now,
    resolvedAt: null,
    closedAt: null,
  };
}

/** A new episode of an open finding: one more occurrence, its events and evidence added. */
function merge(row: FindingRow, event: DeviceFindingEvent, now: Date): void {
  row.occurrences += 1;
  row.eventCount += event.event_count;
  row.lastSeen = new Date(Math.max(row.lastSeen.getTime(), event.last_seen));
  row.evidence = cap([...row.evidence, ...event.evidence]);
  row.fields = event.fields;
  row.updateSeq = event.update_seq;
  row.updatedAt = now;
}

/** An event inside the cooldown: the engine counts exactly one more event per `updated`. */
function addUpdate(row: FindingRow, event: DeviceFindingEvent, now: Date): void {
  row.eventCount += 1;
  row.lastSeen = new Date(Math.max(row.lastSeen.getTime(), event.last_seen));
  row.evidence = cap([...row.evidence, ...event.evidence]);
  row.updateSeq = event.update_seq;
  row.updatedAt = now;
}
