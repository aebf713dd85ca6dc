import { randomUUID } from 'node:crypto';
import type { DeviceRejection, DeviceService } from '../devices/device.service.ts';
import type { DeviceRow } from '../opmas.schema.ts';
import type { Classifier } from './classifier.ts';
import type { IngestCounters } from './ingest-counters.ts';
import type { IngestQueue } from './ingest-queue.ts';
import type { ParsedEvent, RawMessage } from './ingest-types.ts';
import type { LogBatcher } from './log-batcher.ts';
import type { LogStatsAccumulator } from './log-stats.ts';
import { type ParseContext, parseSyslog } from './syslog-parser.ts';

/** Messages taken from the queue per drain step, so one step never holds the event loop for long. */
const DRAIN_CHUNK = 256;

export type ProcessOutcome = { event: ParsedEvent } | { dropped: DeviceRejection };

export interface IngestPipelineOptions {
  queue: IngestQueue;
  counters: IngestCounters;
  devices: DeviceService;
  classifier: Classifier;
  batcher: LogBatcher;
  /** Per-minute counts of every event handed to the batcher, parse errors included. */
  logStats: LogStatsAccumulator;
  defaultTimezone: string;
  maxMessageBytes: number;
  onError: (error: unknown) => void;
}

/** Device settings that change how a line parses (spec "Parser": device `timezone`, `format`, `log_prefix`). */
const hasParseSettings = (device: DeviceRow): boolean =>
  Boolean(device.timezone) || device.format !== 'auto' || Boolean(device.logPrefix);

/**
 * framing output → parser → device resolver → classifier → batcher (spec 02-opmas "Architecture"). Listeners feed it
 * through the bounded queue; HTTP ingest calls `process` directly to report per-line results.
 */
export class IngestPipeline {
  readonly #options: IngestPipelineOptions;
  #draining: Promise<void> | undefined;

  constructor(options: IngestPipelineOptions) {
    this.#options = options;
    options.queue.connect({ onItem: () => this.#scheduleDrain() });
  }

  /** Parses, attributes, classifies and batches one message; the message is counted as accepted or dropped. */
  async process(raw: RawMessage): Promise<ProcessOutcome> {
    const { counters, devices, classifier, batcher } = this.#options;
    let parsed = parseSyslog(raw.bytes, this.#context(raw));
    const resolution = await devices.resolve(raw.identityHost ?? parsed.host, raw.sourceIp);
    if ('rejected' in resolution) {
      counters.dropped(raw.transport, resolution.rejected);
      return { dropped: resolution.rejected };
    }
    const { device } = resolution;
    // The identity comes from the default parse; a device's own settings then decide the final fields.
    if (hasParseSettings(device)) parsed = parseSyslog(raw.bytes, this.#context(raw, device));
    const classification = classifier.classify(parsed);
    const event: ParsedEvent = {
      ...parsed,
      warnings: raw.warning ? [...parsed.warnings, raw.warning] : parsed.warnings,
      id: randomUUID(),
      received_at: raw.receivedAt,
      transport: raw.transport,
      source_ip: raw.sourceIp,
      device_id: device.id,
      device: device.slug,
      domain: classification.domain,
      classifier_version: classification.classifier_version,
    };
    counters.accepted(raw.transport, event.ok);
    devices.noteTraffic(device, raw.receivedAt, raw.sourceIp);
    this.#options.logStats.count(event);
    batcher.add(event);
    return { event };
  }

  /** Resolves once the queue is empty and every open batch is published (shutdown and tests). */
  async settle(): Promise<void> {
    while (this.#draining) await this.#draining;
    await this.#options.batcher.flush();
  }

  #context(raw: RawMessage, device?: DeviceRow): ParseContext {
    return {
      receivedAt: raw.referenceTime ?? raw.receivedAt,
      timezone: device?.timezone ?? this.#options.defaultTimezone,
      format: device?.format,
      logPrefix: device?.logPrefix ?? undefined,
      maxMessageBytes: this.#options.maxMessageBytes,
    };
  }

  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      // A message offered between the last `take` and here would otherwise wait for the next one.
      if (this.#options.queue.depth > 0) this.#scheduleDrain();
    });
  }

  async #drain(): Promise<void> {
    const { queue, onError } = this.#options;
    for (let chunk = queue.take(DRAIN_CHUNK); chunk.length > 0; chunk = queue.take(DRAIN_CHUNK)) {
      for (const raw of chunk) {
        try {
          await this.process(raw);
        } catch (error) {
          // A database outage must not kill the consumer; the message is lost and the error logged.
          onError(error);
        }
      }
    }
  }
}
