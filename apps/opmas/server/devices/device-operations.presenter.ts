import { SEVERITY_NAMES } from '../ingest/pri.ts';
import type { DeviceRow, NewDevice } from '../opmas.schema.ts';
import type {
  DeviceConfigurationView,
  DeviceMetricsView,
  SeverityCounts,
  UpdateDeviceConfiguration,
} from './device-operations.schema.ts';

/** Row → the OPMAS-side settings of a device. */
export function presentConfiguration(row: DeviceRow): DeviceConfigurationView {
  return {
    timezone: row.timezone,
    log_prefix: row.logPrefix,
    format: row.format,
    max_mode: row.maxMode,
    tags: row.tags,
    bind_source_ip: row.bindSourceIp,
    enabled: row.enabled,
  };
}

/** Configuration body → column values; only the fields present are returned. */
export function configurationColumns(body: UpdateDeviceConfiguration): Partial<NewDevice> {
  const columns: Partial<NewDevice> = {};
  if (body.timezone !== undefined) columns.timezone = body.timezone;
  if (body.log_prefix !== undefined) columns.logPrefix = body.log_prefix;
  if (body.format !== undefined) columns.format = body.format as NewDevice['format'];
  if (body.max_mode !== undefined) columns.maxMode = body.max_mode as NewDevice['maxMode'];
  if (body.tags !== undefined) columns.tags = body.tags;
  if (body.bind_source_ip !== undefined) columns.bindSourceIp = body.bind_source_ip;
  if (body.enabled !== undefined) columns.enabled = body.enabled;
  return columns;
}

const noSeverities = (): SeverityCounts =>
  Object.fromEntries(SEVERITY_NAMES.map((name) => [name, 0])) as unknown as SeverityCounts;

/** Rows per (minute, severity), oldest first → one entry per minute with its severity breakdown. */
export function presentMinutes(
  rows: { minute: Date; severity: number; count: number; parseErrors: number }[],
): DeviceMetricsView['minutes'] {
  const minutes: DeviceMetricsView['minutes'] = [];
  for (const row of rows) {
    const minute = row.minute.toISOString();
    let entry = minutes.at(-1);
    if (entry?.minute !== minute) {
      entry = { minute, count: 0, parse_errors: 0, by_severity: noSeverities() };
      minutes.push(entry);
    }
    entry.count += row.count;
    entry.parse_errors += row.parseErrors;
    const name = SEVERITY_NAMES[row.severity] as keyof SeverityCounts;
    entry.by_severity[name] += row.count;
  }
  return minutes;
}
