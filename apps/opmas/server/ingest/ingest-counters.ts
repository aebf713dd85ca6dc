import { TRANSPORTS, type Transport } from './ingest-types.ts';

/** Drop reasons of spec 02-opmas "Observability" (`opmas_ingest_messages_total{result}`) plus framing errors. */
export type DropReason = 'dropped_queue' | 'rejected_source' | 'rejected_device' | 'device_disabled' | 'empty';

export interface TransportCounters {
  received: number;
  accepted: number;
  /** Accepted but `ok=false` (kept as generic events with the raw text). */
  parse_degraded: number;
  dropped: number;
  dropped_by_reason: Partial<Record<DropReason, number>>;
  frame_errors: Record<string, number>;
  bytes: number;
}

const fresh = (): TransportCounters => ({
  received: 0,
  accepted: 0,
  parse_degraded: 0,
  dropped: 0,
  dropped_by_reason: {},
  frame_errors: {},
  bytes: 0,
});

/** In-process ingest counters per transport, read by `GET /api/v1/logs/status`. */
export class IngestCounters {
  readonly byTransport: Record<Transport, TransportCounters> = Object.fromEntries(
    TRANSPORTS.map((transport) => [transport, fresh()]),
  ) as Record<Transport, TransportCounters>;
  lastMessageAt: number | null = null;

  /** A message arrived (before any decision about it). */
  received(transport: Transport, bytes: number): void {
    const counters = this.byTransport[transport];
    counters.received++;
    counters.bytes += bytes;
    this.lastMessageAt = Date.now();
  }

  accepted(transport: Transport, parseOk: boolean): void {
    const counters = this.byTransport[transport];
    counters.accepted++;
    if (!parseOk) counters.parse_degraded++;
  }

  dropped(transport: Transport, reason: DropReason): void {
    const counters = this.byTransport[transport];
    counters.dropped++;
    counters.dropped_by_reason[reason] = (counters.dropped_by_reason[reason] ?? 0) + 1;
  }

  frameError(transport: Transport, reason: string): void {
    const errors = this.byTransport[transport].frame_errors;
    errors[reason] = (errors[reason] ?? 0) + 1;
  }

  /** Sums over all transports. */
  totals(): { received: number; accepted: number; dropped: number; parse_errors: number } {
    const all = Object.values(this.byTransport);
    const sum = (pick: (c: TransportCounters) => number) => all.reduce((total, c) => total + pick(c), 0);
    return {
      received: sum((c) => c.received),
      accepted: sum((c) => c.accepted),
      dropped: sum((c) => c.dropped),
      parse_errors: sum((c) => c.parse_degraded),
    };
  }
}
