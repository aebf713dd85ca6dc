/**
 * Syslog PRI decoding and the facility/severity name tables.
 * Codes from RFC 5424 §6.2.1 (same numbering as RFC 3164 §4.1.1); names as BusyBox/ubox logread prints them.
 */

export const FACILITY_NAMES: readonly string[] = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
];

export const SEVERITY_NAMES: readonly string[] = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

/** Aliases logread and syslog.conf accept for the same codes. */
const SEVERITY_ALIASES: Readonly<Record<string, number>> = { warning: 4, error: 3, panic: 0, crit: 2, emerg: 0 };

/** RFC 3164 §4.3.3: a message without PRI is treated as user.notice. */
export const DEFAULT_PRI = 13;

export function facilityCode(name: string): number | undefined {
  const index = FACILITY_NAMES.indexOf(name);
  return index >= 0 ? index : undefined;
}

export function severityCode(name: string): number | undefined {
  const index = SEVERITY_NAMES.indexOf(name);
  return index >= 0 ? index : SEVERITY_ALIASES[name];
}

export type PriResult =
  | { kind: 'missing' }
  | { kind: 'ok'; pri: number; end: number }
  | { kind: 'error'; error: 'pri_out_of_range' | 'pri_leading_zero' | 'pri_unterminated' | 'pri_empty' };

/** Reads `<PRIVAL>` at the start of `text`; PRIVAL is 1-3 digits, 0..191, no leading zeros (RFC 5424 §6.2.1). */
export function decodePri(text: string): PriResult {
  if (!text.startsWith('<')) return { kind: 'missing' };
  const close = text.indexOf('>');
  if (close === 1) return { kind: 'error', error: 'pri_empty' };
  const digits = close > 0 ? text.slice(1, close) : '';
  if (close < 0 || close > 4 || !/^\d+$/.test(digits)) return { kind: 'error', error: 'pri_unterminated' };
  if (digits.length > 1 && digits.startsWith('0')) return { kind: 'error', error: 'pri_leading_zero' };
  const pri = Number(digits);
  if (pri > 191) return { kind: 'error', error: 'pri_out_of_range' };
  return { kind: 'ok', pri, end: close + 1 };
}
