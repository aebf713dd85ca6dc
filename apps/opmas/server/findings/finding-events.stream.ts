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

/** Takes the finding events of one log batch, in order. */
export type FindingSink = (events: DeviceFindingEvent[]) => Promise<void>;

export async function ensureFindingsStream(streams: DurableStreams, maxAgeSeconds: number): Promise<void> {
  await streams.ensureStream({
    name: FINDINGS_STREAM,
    subjects: ['opmas.findings.>'],
    maxAgeMs: maxAgeSeconds * 1000,
    duplicateWindowMs: DUPLICATE_WINDOW_MS,
  });
}

/** Embedded mode: store each event now; a storage failure is logged (the event is lost, like a crash would). */
export function recordingSink(kernel: Kernel, recorder: FindingRecorder): FindingSink {
  return async (events) => {
    for (const event of events) {
      try {
        await recorder.record(event);
      } catch (error) {
        kernel.logger.error({ err: error, event_id: event.event_id }, 'opmas finding not stored');
      }
    }
  };
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
  return async (events) => {
    await Promise.all(events.map(publish));
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
