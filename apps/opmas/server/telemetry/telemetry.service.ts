/**
 * Pushed telemetry (spec 02-opmas "API" `POST /api/v1/telemetry`): Prometheus text from a device is parsed with hard
 * limits, only the series in `OPMAS_TELEMETRY_METRICS` are kept, and the samples go to the agents on
 * `opmas.telemetry.<device>`, where metric rules (e.g. `wifi.low_signal`) window them by sample time.
 */
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { MetricSample } from '../rules/rule-engine.ts';
import { parsePromText } from './prom-text-parser.ts';
import type { TelemetryAccepted } from './telemetry.schema.ts';

/** spec "Configuration" `OPMAS_TELEMETRY_METRICS` default. */
export const DEFAULT_TELEMETRY_METRICS = [
  'wifi_station_signal_dbm',
  'wifi_stations',
  'node_load1',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
];
const MAX_LISTED_ERRORS = 100;

/** Bus subject of one device's pushed samples. */
export const telemetrySubject = (device: string): string => `opmas.telemetry.${device}`;

/** What the agents receive for one push. */
export interface TelemetryBatch {
  device: string;
  device_id: string;
  samples: MetricSample[];
}

export function acceptedMetrics(env: Record<string, string | undefined>): Set<string> {
  const configured = env.OPMAS_TELEMETRY_METRICS?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return new Set(configured?.length ? configured : DEFAULT_TELEMETRY_METRICS);
}

/** Parses one push and publishes its accepted samples; the counts cover every line. */
export async function pushTelemetry(
  kernel: Kernel,
  device: { id: string; slug: string },
  body: string,
  accepted: Set<string>,
  receivedAt: number,
): Promise<TelemetryAccepted> {
  const { samples, errors } = parsePromText(body);
  const listed: TelemetryAccepted['errors'] = errors.map(({ line, code }) => ({ line, code }));
  const kept: MetricSample[] = [];
  let notAccepted = 0;
  for (const sample of samples) {
    if (!accepted.has(sample.name) || !Number.isFinite(sample.value)) {
      notAccepted++;
      continue;
    }
    kept.push({
      device: device.slug,
      ts: sample.timestampMs ?? receivedAt,
      metric: sample.name,
      value: sample.value,
      labels: sample.labels,
    });
  }
  if (kept.length > 0) {
    const batch: TelemetryBatch = { device: device.slug, device_id: device.id, samples: kept };
    await kernel.bus.publish(telemetrySubject(device.slug), batch);
  }
  return {
    accepted: kept.length,
    rejected: errors.length + notAccepted,
    errors: listed.slice(0, MAX_LISTED_ERRORS),
  };
}
