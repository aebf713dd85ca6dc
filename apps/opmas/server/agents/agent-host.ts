import type { Subscription } from '@platform/kernel/bus/bus.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FindingSink } from '../findings/finding-events.stream.ts';
import type { DeviceFindingEvent } from '../findings/finding-recorder.ts';
import type { IngestJournal, JournalRecord } from '../ingest/ingest-journal.ts';
import type { LogBatch, ParsedEvent } from '../ingest/ingest-types.ts';
import type { CompiledRule } from '../rules/rule-compiler.ts';
import {
  type EngineChanges,
  type EngineEvent,
  type EngineOptions,
  type EngineState,
  type FactEvent,
  RuleEngine,
  type RuleStats,
} from '../rules/rule-engine.ts';
import type { TelemetryBatch } from '../telemetry/telemetry.service.ts';

/** Every log batch of every domain and device (spec "Architecture": `opmas.logs.<domain>.<device>`). */
export const LOGS_PATTERN = 'opmas.logs.>';
/** Pushed telemetry of every device (`opmas.telemetry.<device>`). */
export const TELEMETRY_PATTERN = 'opmas.telemetry.>';
/** Bus subject of a fact (kind and device slug are bus-safe tokens). */
export const factSubject = (kind: string, device: string): string => `opmas.facts.${kind}.${device}`;

/** Without partition leases every batch goes to one member of this queue group, so no process double counts. */
export const AGENT_QUEUE = 'opmas-agents';

const toEngineEvent = (event: ParsedEvent): EngineEvent => ({
  device: event.device,
  ts: event.ts,
  app: event.app,
  host: event.host,
  pid: event.pid,
  facility: event.facility,
  severity: event.severity,
  msg: event.msg,
  raw: event.raw,
});

/**
 * The agent host of one process (spec "Architecture": match + window stage). One `RuleEngine` runs every rule of the
 * pack on every batch, whatever the batch's domain: rule prefilters (program, facility) already pick their lines, and
 * a DFS or dropbear line classified into another domain must still reach its rule (acceptance 9 counts all rules over
 * the whole corpus). With partition leases (several worker nodes) every node receives every batch and evaluates
 * only the devices of the partitions it holds. Batches, rule swaps, hand-offs and state snapshots are serialised on
 * one chain because windows depend on event order.
 */
export class AgentHost {
  readonly #kernel: Kernel;
  readonly #engine: RuleEngine;
  readonly #sink: FindingSink;
  /** Whether this node evaluates a device now (all devices without leases). */
  #owns: (device: string) => boolean = () => true;
  #partitioned = false;
  #subscription: Subscription | undefined;
  #telemetry: Subscription | undefined;
  #journal: IngestJournal | undefined;
  /** The last journaled batch evaluated (the cursor a checkpoint of the current state may store). */
  #journalSeq: number | undefined;
  #replay: Promise<void> = Promise.resolve();
  #stopping = false;
  #tail: Promise<void> = Promise.resolve();

  constructor(kernel: Kernel, rules: CompiledRule[], sink: FindingSink, options: EngineOptions = {}) {
    this.#kernel = kernel;
    this.#engine = new RuleEngine(rules, options);
    this.#sink = sink;
  }

  /** Evaluate only devices `owns` accepts and take every batch (not one per queue group); call before `start`. */
  partitionBy(owns: (device: string) => boolean): void {
    this.#owns = owns;
    this.#partitioned = true;
  }

  /**
   * Runs a hand-off step between two batches: `work` gets the engine to checkpoint, drop or merge the state of the
   * partitions that move (spec "State persistence": checkpoint on hand-off, the new owner loads before consuming).
   */
  handOff<T>(work: (engine: RuleEngine) => Promise<T>): Promise<T> {
    return this.#enqueue(() => work(this.#engine));
  }

  /** Restores checkpointed window state; call before `start`. */
  importState(state: EngineState): void {
    this.#engine.importState(state);
  }

  /** Swaps the rule set between two batches (hot reload). */
  replaceRules(rules: CompiledRule[]): Promise<void> {
    return this.#enqueue(async () => this.#engine.replaceRules(rules));
  }

  /**
   * The window state changed by the batches evaluated so far, and (journal mode) the last journaled batch among
   * them, taken at the same point between two batches (for checkpoints).
   */
  changes(): Promise<{ engine: EngineChanges; journalSeq: number | undefined }> {
    return this.#enqueue(async () => ({ engine: this.#engine.takeChanges(), journalSeq: this.#journalSeq }));
  }

  /** The compiled rule the engine runs now (hot reload swaps it between batches). */
  rule(ruleId: string): CompiledRule | undefined {
    return this.#engine.rule(ruleId);
  }

  /** Ids of the rules the engine runs. */
  ruleIds(): string[] {
    return this.#engine.ruleIds();
  }

  /** This node's live counters of a rule. */
  stats(ruleId: string): RuleStats | undefined {
    return this.#engine.stats(ruleId);
  }

  /** Subscribes to the log batches. */
  start(): void {
    this.#subscribeTelemetry();
    this.#subscription = this.#kernel.bus.subscribe<LogBatch>(
      LOGS_PATTERN,
      // Failures are logged by the chain; the bus must not see them as a redelivery request.
      (message) => this.#enqueue(() => this.handle(message.data)).catch(() => undefined),
      this.#partitioned ? {} : { queue: AGENT_QUEUE },
    );
  }

  /**
   * Consumes the ingest journal instead of the bus (embedded mode): first the batches after the checkpointed
   * cursor (what a killed process had accepted but not checkpointed), then every batch as it is appended.
   */
  startFromJournal(journal: IngestJournal, afterSeq: number): void {
    this.#subscribeTelemetry();
    this.#journal = journal;
    this.#journalSeq = afterSeq;
    const live: JournalRecord[] = [];
    let replaying = true;
    // Taken in the same tick as the listener is installed: every later batch reaches `live`, none is missed.
    const replayThrough = journal.lastSeq;
    journal.onAppend((record) => {
      if (replaying) live.push(record);
      else void this.#enqueueRecord(record);
    });
    this.#replay = (async () => {
      for (const record of journal.read(afterSeq, replayThrough)) {
        if (this.#stopping) return;
        // One at a time, so a long backlog is never all in memory.
        await this.#enqueueRecord(record);
      }
      replaying = false;
      for (const record of live.splice(0)) void this.#enqueueRecord(record);
    })().catch((error: unknown) => this.#kernel.logger.error({ err: error }, 'opmas journal replay failed'));
  }

  /** Resolves once the finding events of every batch evaluated so far are stored. */
  findingsSettled(): Promise<void> {
    return this.#sink.settled();
  }

  /** Stops consuming and waits for the batches already received and their findings. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#subscription?.unsubscribe();
    this.#telemetry?.unsubscribe();
    this.#journal?.onAppend(undefined);
    await this.#replay;
    await this.#tail;
    await this.#sink.settled();
  }

  // Telemetry is not journaled: a sample lost in a crash is replaced by the next push a minute later.
  #subscribeTelemetry(): void {
    this.#telemetry = this.#kernel.bus.subscribe<TelemetryBatch>(
      TELEMETRY_PATTERN,
      (message) => this.#enqueue(() => this.handleTelemetry(message.data)).catch(() => undefined),
      this.#partitioned ? {} : { queue: AGENT_QUEUE },
    );
  }

  /** Evaluates pushed samples against the metric rules (if this node owns the device). */
  async handleTelemetry(batch: TelemetryBatch): Promise<void> {
    if (!this.#owns(batch.device)) return;
    const receivedAt = Date.now();
    const events: DeviceFindingEvent[] = [];
    for (const sample of batch.samples) {
      for (const finding of this.#engine.evaluateSample(sample).findings) {
        events.push({ ...finding, device_id: batch.device_id, trigger_received_at: receivedAt });
      }
    }
    if (events.length > 0) await this.#sink.write(events);
  }

  #enqueueRecord(record: JournalRecord): Promise<void> {
    return this.#enqueue(async () => {
      await this.handle(record.batch);
      this.#journalSeq = record.seq;
    }).catch(() => undefined);
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      (error: unknown) => this.#kernel.logger.error({ err: error }, 'opmas agent step failed'),
    );
    return result;
  }

  /** Evaluates one batch (if this node owns its device) and hands its finding events to the sink in order. */
  async handle(batch: LogBatch): Promise<void> {
    const events: DeviceFindingEvent[] = [];
    const facts: (FactEvent & { device_id: string | null })[] = [];
    for (const event of batch.events) {
      if (!this.#owns(event.device)) continue;
      const output = this.#engine.evaluate(toEngineEvent(event));
      for (const finding of output.findings) {
        events.push({ ...finding, device_id: event.device_id, trigger_received_at: event.received_at });
      }
      for (const fact of output.facts) facts.push({ ...fact, device_id: event.device_id });
    }
    // spec "Architecture": facts go to `opmas.facts.<kind>.<device>` for the inventory (queue `opmas-facts`).
    for (const fact of facts) await this.#kernel.bus.publish(factSubject(fact.kind, fact.device), fact);
    if (events.length > 0) await this.#sink.write(events);
  }
}
