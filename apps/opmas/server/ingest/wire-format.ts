/**
 * logread file line → remote wire format (spec 02 "Wire conversion"), shared by the replayer and tests:
 * `Www Mmm dd hh:mm:ss YYYY fac.sev[ kernel:] REST` → `<fac·8+sev>Mmm dd hh:mm:ss HOST [kernel: ]REST`, as
 * `openwrt/ubox` log/logread.c writes it in its `LOG_NET` branch (day padding kept, year dropped).
 */
import { facilityCode, severityCode } from './pri.ts';

const LOGREAD_LINE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) \d{4} ([a-z0-9-]+)\.([a-z]+) /;

/** Converts one logread file line; any other line is returned unchanged. */
export function logreadToWire(line: string, host = 'OpenWrt'): string {
  const m = LOGREAD_LINE.exec(line);
  if (!m) return line;
  const facility = facilityCode(m[2]);
  const severity = severityCode(m[3]);
  if (facility === undefined || severity === undefined) return line;
  return `<${facility * 8 + severity}>${m[1]} ${host} ${line.slice(m[0].length)}`;
}
