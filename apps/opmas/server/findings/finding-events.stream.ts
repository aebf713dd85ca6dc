/**
 * Where the window stage's finding events go (spec 02-opmas "State persistence"): in embedded mode they are stored at
 * once (the recorder's transaction writes the outbox); with NATS they are published to the JetStream stream
 * `OPMAS_FINDINGS` with `Nats-Msg-Id` = event id and stored by the orchestrator's durable consumer, which
 * acknowledges only after the commit. A crash between commit and acknowledgement redelivers the event and the
 * recorder's `finding_events` claim turns it into a no-op, so a restart neither loses nor duplicates a finding.
 */
import type { DurableConsumer, DurableStreams } from '@platform/kernel/bus/durable-streams.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { DeviceFindingEvent, FindingRecorder } from './finding-recorder.ts';

export const FINDINGS_STREAM = 'OPMAS_FINDINGS';
export const ORCHESTRATOR_CONSUMER = 'opmas-orchestrator';
/** Subject of a window-stage finding event (spec "Architecture": `opmas.findings.<domain>`). */
export const findingEventSubject = (domain: string): string => `opmas.findings.${domain}`;

/** spec "State persistence": duplicate window 10 min. */
const DUPLICATE_WINDOW_MS = 10 * 60_000;
const PUBLISH_ATTEMPTS = 5;
const PUBLISH_RETRY_MS = 1000;

/** Where the agent hands the finding events of each log batch, in order. */
export interface FindingSink {
  /** Takes one batch's events; may resolve before they are stored (then `settled` waits for them). */
  write(events: DeviceFindingEvent[]): Promise<void>;
  /** Resolves once every event written before the call is stored (or given up after logging). */
  settled(): Promise<void>;
}

export async function ensureFindingsStream(streams: DurableStreams, maxAgeSeconds: number): Promise<void> {
  await streams.ensureStream({
    name: FINDINGS_STREAM,
    subjects: ['opmas.findings.>'],
    maxAgeMs: maxAgeSeconds * 1000,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
  });
}

/** Events taken per transaction. */
const STORE_BATCH = 500;
/** How long the first event of a quiet spell waits for company, so a burst costs one transaction, not one each. */
const STORE_LINGER_MS = 10;
/** Beyond this many unstored events the agent waits (back-pressure instead of unbounded memory). */
const QUEUE_HIGH_WATER = 5000;

/**
 * Embedded mode: events are stored by one writer loop that takes everything queued so far into one transaction
 * (group commit), so the agent never waits on the database for each finding and a burst costs a few statements. A
 * batch that fails is retried one event at a time; an event that still fails is logged and lost (like a crash).
 */
export class RecordingSink implements FindingSink {
  readonly #kernel: Kernel;
  readonly #recorder: FindingRecorder;
  #queue: DeviceFindingEvent[] = [];
  #written = 0;
  #stored = 0;
  #running: Promise<void> | undefined;
  readonly #waiters = new Set<{ mark: number; resolve: () => void }>();

  constructor(kernel: Kernel, recorder: FindingRecorder) {
    this.#kernel = kernel;
    this.#recorder = recorder;
  }

  write(events: DeviceFindingEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.#queue.push(...events);
    this.#written += events.length;
    this.#running ??= new Promise((resolve) => setTimeout(resolve, STORE_LINGER_MS))
      .then(() => this.#drain())
      .finally(() => {
        this.#running = undefined;
      });
    return this.#queue.length > QUEUE_HIGH_WATER ? this.#until(this.#written - QUEUE_HIGH_WATER) : Promise.resolve();
  }

  settled(): Promise<void> {
    return this.#until(this.#written);
  }

  #until(mark: number): Promise<void> {
    if (this.#stored >= mark) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.add({ mark, resolve }));
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, STORE_BATCH);
      try {
        await this.#recorder.recordBatch(batch);
      } catch (error) {
        this.#kernel.logger.warn(
          { err: error, events: batch.length },
          'opmas finding batch failed; storing one by one',
        );
        for (const event of batch) {
          await this.#recorder.record(event).catch((single: unknown) => {
            this.#kernel.logger.error({ err: single, event_id: event.event_id }, 'opmas finding not stored');
          });
        }
      }
      this.#stored += batch.length;
      for (const waiter of this.#waiters) {
        if (this.#stored < waiter.mark) continue;
        this.#waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/**
 * NATS mode: publish the batch's events and wait until the stream stored them. Published together so they stay in
 * order on the connection; retried while the server is unreachable, which holds the agent (back-pressure).
 */
export function streamingSink(kernel: Kernel, streams: DurableStreams): FindingSink {
  const publish = async (event: DeviceFindingEvent): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await streams.publish(findingEventSubject(event.domain), event, { messageId: event.event_id });
        return;
      } catch (error) {
        if (attempt >= PUBLISH_ATTEMPTS) {
          kernel.logger.error({ err: error, event_id: event.event_id }, 'opmas finding event not published');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, PUBLISH_RETRY_MS));
      }
    }
  };
  return {
    write: async (events) => {
      await Promise.all(events.map(publish));
    },
    settled: () => Promise.resolve(),
  };
}

/**
 * The orchestrator's durable consumer. One unacknowledged event at a time across every node, so a `fired` is always
 * stored before the `updated` events that follow it.
 */
export function consumeFindingEvents(
  streams: DurableStreams,
  recorder: FindingRecorder,
  ackWaitMs: number,
): Promise<DurableConsumer> {
  return streams.consume<DeviceFindingEvent>(
    {
      stream: FINDINGS_STREAM,
      durable: ORCHESTRATOR_CONSUMER,
      filterSubject: 'opmas.findings.>',
      ackWaitMs,
      maxAckPending: 1,
    },
    async (message) => {
      await recorder.record(message.data);
    },
  );
}
