import type { Orm } from '@platform/kernel/db/database.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { InventoryRepository } from '../inventory/inventory.repository.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { RuleRepository } from '../rules/rule.repository.ts';
import { ruleSuppressions } from '../rules/rule.tables.ts';
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

/**
 * Stores window-stage finding events (spec "Findings and orchestrator"): per event one transaction that records the
 * event id (a replayed id is skipped), merges a `fired` into the open finding of (rule, device, key) or creates one
 * with status `new`, applies `updated` (one more event inside the cooldown), and writes the stored change to the kernel
 * outbox (`opmas.finding.changed.<domain>`) for the profile matcher and the live stream.
 */
export class FindingRecorder {
  readonly #kernel: Kernel;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  /** Applies one event; undefined when it was already applied or updates a finding that is no longer open. */
  async record(event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const row = await this.#store(event);
    if (row && event.kind === 'fired') {
      const metrics = opmasMetricsOf(this.#kernel);
      if (row.occurrences === 1) metrics.findings.inc({ domain: row.domain, severity: row.severity });
      if (event.trigger_received_at !== undefined) {
        metrics.pipelineLatency.observe((Date.now() - event.trigger_received_at) / 1000);
      }
    }
    return row;
  }

  async #store(event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    return this.#kernel.db
      .transaction(async (tx) => {
        const orm: Orm = tx;
        const open = await this.#openFinding(orm, event);
        let row: FindingRow | undefined;
        // spec "Finding states": a `false_positive` with `suppress_for` keeps the same key from raising a new finding.
        if (event.kind === 'fired' && !open && (await this.#suppressed(orm, event))) return undefined;
        if (event.kind === 'fired') row = open ? await this.#merge(orm, open, event) : await this.#create(orm, event);
        else if (open) row = await this.#update(orm, open, event);
        if (!row) return undefined;
        const [claimed] = await orm
          .insert(findingEvents)
          .values({ eventId: event.event_id, findingId: row.id, kind: event.kind })
          .onConflictDoNothing()
          .returning();
        // Already applied: undo this attempt's row changes by rolling back the transaction.
        if (!claimed) throw new AlreadyApplied();
        if (event.kind === 'fired') {
          await new RuleRepository(orm).noteTriggered(event.rule_id, new Date());
        }
        await this.#kernel.outbox.write(tx, findingChangeSubject(row.domain), {
          ...event,
          finding_id: row.id,
          status: row.status,
          occurrences: row.occurrences,
        });
        return row;
      })
      .catch((error: unknown) => {
        if (error instanceof AlreadyApplied) return undefined;
        throw error;
      });
  }

  async #openFinding(orm: Orm, event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const [row] = await orm
      .select()
      .from(findings)
      .where(
        and(
          eq(findings.ruleId, event.rule_id),
          eq(findings.device, event.device),
          eq(findings.groupKey, event.group_key),
          inArray(findings.status, ['new', 'investigating']),
        ),
      );
    return row;
  }

  async #suppressed(orm: Orm, event: DeviceFindingEvent): Promise<boolean> {
    const [row] = await orm
      .select({ id: ruleSuppressions.id })
      .from(ruleSuppressions)
      .where(
        and(
          eq(ruleSuppressions.ruleId, event.rule_id),
          eq(ruleSuppressions.device, event.device),
          eq(ruleSuppressions.groupKey, event.group_key),
          gt(ruleSuppressions.until, new Date()),
        ),
      )
      .limit(1);
    return row !== undefined;
  }

  /** spec "Should": findings carrying a MAC get the client's address and name from the inventory. */
  async #enriched(orm: Orm, event: DeviceFindingEvent): Promise<Record<string, string>> {
    const mac = event.fields.mac;
    if (!mac || !event.device_id) return event.fields;
    const [client] = await new InventoryRepository(orm).find({ device_id: event.device_id, mac }, 1);
    if (!client) return event.fields;
    return {
      ...event.fields,
      ...(client.ip ? { client_ip: client.ip } : {}),
      ...(client.hostname ? { client_hostname: client.hostname } : {}),
    };
  }

  async #create(orm: Orm, event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const fields = await this.#enriched(orm, event);
    const [row] = await orm
      .insert(findings)
      .values({
        ruleId: event.rule_id,
        domain: event.domain,
        severity: event.severity,
        title: event.title,
        device: event.device,
        deviceId: event.device_id,
        groupKey: event.group_key,
        fields,
        eventCount: event.event_count,
        firstSeen: new Date(event.first_seen),
        lastSeen: new Date(event.last_seen),
        evidence: cap(event.evidence),
        labels: event.labels,
        updateSeq: event.update_seq,
      })
      .returning();
    return row;
  }

  /** A new episode of an open finding: one more occurrence, its events and evidence added. */
  async #merge(orm: Orm, open: FindingRow, event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const [row] = await orm
      .update(findings)
      .set({
        occurrences: sql`${findings.occurrences} + 1`,
        eventCount: sql`${findings.eventCount} + ${event.event_count}`,
        lastSeen: new Date(Math.max(open.lastSeen.getTime(), event.last_seen)),
        evidence: cap([...open.evidence, ...event.evidence]),
        fields: event.fields,
        updateSeq: event.update_seq,
        updatedAt: new Date(),
      })
      .where(eq(findings.id, open.id))
      .returning();
    return row;
  }

  /** An event inside the cooldown: the engine counts exactly one more event per `updated`. */
  async #update(orm: Orm, open: FindingRow, event: DeviceFindingEvent): Promise<FindingRow | undefined> {
    const [row] = await orm
      .update(findings)
      .set({
        eventCount: sql`${findings.eventCount} + 1`,
        lastSeen: new Date(Math.max(open.lastSeen.getTime(), event.last_seen)),
        evidence: cap([...open.evidence, ...event.evidence]),
        updateSeq: event.update_seq,
        updatedAt: new Date(),
      })
      .where(eq(findings.id, open.id))
      .returning();
    return row;
  }
}

class AlreadyApplied extends Error {}
