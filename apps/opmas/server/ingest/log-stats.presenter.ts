import { SEVERITY_NAMES } from './pri.ts';

interface Counted {
  count: number;
  parseErrors: number;
}

const counts = (row: Counted) => ({ count: row.count, parse_errors: row.parseErrors });

/** Sums of the rows: `total` messages and `parse_errors`. */
export const presentTotals = (rows: Counted[]) => ({
  total: rows.reduce((total, row) => total + row.count, 0),
  parse_errors: rows.reduce((total, row) => total + row.parseErrors, 0),
});

/** Rows per device → `sources` of `group_by=device`. */
export const presentDeviceSources = (
  rows: (Counted & { deviceId: string; hostname: string | null; sourceIp: string | null })[],
) => rows.map((row) => ({ device_id: row.deviceId, hostname: row.hostname, source_ip: row.sourceIp, ...counts(row) }));

/** Rows per domain → `sources` of `group_by=domain`. */
export const presentDomainSources = (rows: (Counted & { domain: string })[]) =>
  rows.map((row) => ({ domain: row.domain, ...counts(row) }));

/** The keyword of a severity code (`3` → `err`). */
const severityName = (severity: number): string => SEVERITY_NAMES[severity] ?? String(severity);

/** Rows per severity → `sources` of `group_by=severity`. */
export const presentSeveritySources = (rows: (Counted & { severity: number })[]) =>
  rows.map((row) => ({ severity: row.severity, severity_name: severityName(row.severity), ...counts(row) }));
