/** Shapes shared by listeners, the queue, the pipeline and the routes (spec 02-opmas "Data model" bus payloads). */
import type { Domain } from './classifier.ts';
import type { ParsedSyslog } from './syslog-parser.ts';

export type Transport = 'udp' | 'tcp' | 'tls' | 'http';
export const TRANSPORTS: readonly Transport[] = ['udp', 'tcp', 'tls', 'http'];

/** One framed message as a listener or the HTTP route hands it over, before parsing. */
export interface RawMessage {
  bytes: Uint8Array | string;
  transport: Transport;
  sourceIp: string;
  receivedAt: number;
  /** Framing warning (`no_trailer`) carried into the event's warnings. */
  warning?: string;
  /** HTTP `reference_time`: replaces arrival for year inference (spec "Time"). */
  referenceTime?: number;
  /** HTTP `source_identifier` / per-entry `host`: names the device instead of the line's own HOSTNAME. */
  identityHost?: string;
}

/** `ParsedEvent` of the spec: the parser's fields plus identity, transport and classification. */
export interface ParsedEvent extends ParsedSyslog {
  id: string;
  received_at: number;
  transport: Transport;
  source_ip: string;
  device_id: string;
  device: string;
  domain: Domain;
  classifier_version: number;
}

/** `LogBatch` published on `opmas.logs.<domain>.<device>`. */
export interface LogBatch {
  v: 1;
  domain: Domain;
  device: string;
  device_id: string;
  node: string;
  seq: number;
  events: ParsedEvent[];
}

/** Where listeners put messages; false means the queue refused it (full or paused for this transport). */
export type MessageSink = (message: RawMessage) => boolean;
