import type { Subscription } from '@platform/kernel/bus/bus.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { DeviceFindingEvent, FindingRecorder } from '../findings/finding-recorder.ts';
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

/** Every log batch of every domain and device (spec "Architecture": `opmas.logs.<domain>.<device>`). */
export const LOGS_PATTERN = 'opmas.logs.>';
/** Bus subject of a fact (kind and device slug are bus-safe tokens). */
export const factSubject = (kind: string, device: string): string => `opmas.facts.${kind}.${device}`;

/** One queue group for this single-host agent, so a second process on the same bus does not double count. */
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
 * the whole corpus). Per-domain engines, partitions and leases come with multi-node workers. Batches, rule swaps and
 * state snapshots are serialised on one chain because windows depend on event order.
 */
export class AgentHost {
  readonly #kernel: Kernel;
  readonly #engine: RuleEngine;
  readonly #recorder: FindingRecorder;
  #subscription: Subscription | undefined;
  #tail: Promise<void> = Promise.resolve();

  constructor(kernel: Kernel, rules: CompiledRule[], recorder: FindingRecorder, options: EngineOptions = {}) {
    this.#kernel = kernel;
    this.#engine = new RuleEngine(rules, options);
    this.#recorder = recorder;
  }

  /** Restores checkpointed window state; call before `start`. */
  importState(state: EngineState): void {
    this.#engine.importState(state);
  }

  /** Swaps the rule set between two batches (hot reload). */
  replaceRules(rules: CompiledRule[]): Promise<void> {
    return this.#enqueue(async () => this.#engine.replaceRules(rules));
  }

  /** The window state changed by the batches received so far (for checkpoints). */
  changes(): Promise<EngineChanges> {
    return this.#enqueue(async () => this.#engine.takeChanges());
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
    this.#subscription = this.#kernel.bus.subscribe<LogBatch>(
      LOGS_PATTERN,
      // Failures are logged by the chain; the bus must not see them as a redelivery request.
      (message) => this.#enqueue(() => this.handle(message.data)).catch(() => undefined),
      { queue: AGENT_QUEUE },
    );
  }

  /** Stops consuming and waits for the batches already received. */
  async stop(): Promise<void> {
    this.#subscription?.unsubscribe();
    await this.#tail;
  }

  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      (error: unknown) => this.#kernel.logger.error({ err: error }, 'opmas agent step failed'),
    );
    return result;
  }

  /** Evaluates one batch and stores its finding events in order; a storage failure is logged, not retried. */
  async handle(batch: LogBatch): Promise<void> {
    const events: DeviceFindingEvent[] = [];
    const facts: (FactEvent & { device_id: string | null })[] = [];
    for (const event of batch.events) {
      const output = this.#engine.evaluate(toEngineEvent(event));
      for (const finding of output.findings) {
        events.push({ ...finding, device_id: event.device_id, trigger_received_at: event.received_at });
      }
      for (const fact of output.facts) facts.push({ ...fact, device_id: event.device_id });
    }
    // spec "Architecture": facts go to `opmas.facts.<kind>.<device>` for the inventory (queue `opmas-facts`).
    for (const fact of facts) await this.#kernel.bus.publish(factSubject(fact.kind, fact.device), fact);
    for (const event of events) {
      try {
        await this.#recorder.record(event);
      } catch (error) {
        this.#kernel.logger.error({ err: error, event_id: event.event_id }, 'opmas finding not stored');
      }
    }
  }
}
