/**
 * Total syslog parser (spec 02 "Parser"): RFC 5424, RFC 3164/BSD with the OpenWrt ubox `LOG_NET` variants
 * (`openwrt/ubox` log/logread.c), the logread file format and the legacy ubox format. Never throws: malformed input
 * yields `ok=false` with `errors[]`, and the raw text is always kept.
 */

import { type HeaderTime, parseHeaderTime, parseRfc3339 } from './header-time.ts';
import { KNOWN_PROGRAMS } from './known-programs.ts';
import { inferYear, isValidDate, isValidTimeZone, type LocalDateTime, zonedToUtc } from './local-time.ts';
import { DEFAULT_PRI, decodePri, facilityCode, severityCode } from './pri.ts';
import { parseStructuredData, type StructuredData } from './structured-data.ts';

export type DeviceFormat = 'auto' | 'openwrt' | 'rfc3164' | 'rfc5424' | 'legacy_ubox';

export interface ParseContext {
  receivedAt: number;
  /** IANA zone of the device; BSD and logread local times are read in it (default UTC). */
  timezone?: string;
  format?: DeviceFormat;
  /** Device `log_prefix` (`logread -P`); when absent the prefix is detected automatically. */
  logPrefix?: string;
  maxMessageBytes?: number;
}

export type TsSource = 'header' | 'epoch_tag' | 'rfc3339' | 'arrival';

export interface ParsedSyslog {
  ok: boolean;
  format: 'rfc5424' | 'rfc3164' | 'logread' | 'legacy_ubox' | 'unknown';
  errors: string[];
  warnings: string[];
  pri: number;
  facility: number;
  severity: number;
  ts: number;
  ts_us?: number;
  ts_source: TsSource;
  original_ts: string | null;
  tz_name?: string;
  host: string | null;
  app: string;
  pid: number | null;
  procid: string | null;
  msgid: string | null;
  prefix: string | null;
  uptime_s: number | null;
  sd: StructuredData | null;
  msg: string;
  msg_bom: boolean;
  raw: string;
  raw_b64?: string;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 8192;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

const RFC5424_HEAD = /^([1-9]\d{0,2}) (\S+) (\S{1,255}) (\S{1,48}) (\S{1,128}) (\S{1,32}) /;
const TAG = /^([^\s:[\]]{0,48})(?:\[([^\]]*)\])?:(?: |$)/;
const LONG_TAG = /^[^\s:[\]]{49,}(?:\[[^\]]*\])?:(?: |$)/;
const EPOCH_TAG = /^\[(\d{1,12})(?:\.(\d{1,6}))?\] /;
const KERNEL_UPTIME = /^\[\s*(\d+(?:\.\d+)?)\]/;

function decode(input: Uint8Array | string, event: ParsedSyslog): string {
  if (typeof input === 'string') return input;
  try {
    return utf8.decode(input);
  } catch {
    event.raw_b64 = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64');
    event.warnings.push('invalid_utf8');
    return utf8Lenient.decode(input);
  }
}

function cutToBytes(text: string, maxBytes: number): string | undefined {
  if (text.length <= maxBytes / 4) return undefined;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return undefined;
  let end = maxBytes;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off to the start of a UTF-8 sequence
  return bytes.subarray(0, end).toString('utf8');
}

function setPri(event: ParsedSyslog, pri: number): void {
  event.pri = pri;
  event.facility = pri >> 3;
  event.severity = pri & 7;
}

function fail(event: ParsedSyslog, error: string, text: string): ParsedSyslog {
  event.ok = false;
  event.errors.push(error);
  event.msg = text;
  return event;
}

function parse5424(event: ParsedSyslog, text: string): ParsedSyslog | undefined {
  const head = RFC5424_HEAD.exec(text);
  if (!head) return undefined;
  event.format = 'rfc5424';
  const [, , stamp, host, app, procid, msgid] = head;
  if (stamp !== '-') {
    const time = parseRfc3339(stamp);
    if (!time) return fail(event, 'timestamp_invalid', text);
    event.ts = time.ts;
    if (time.us !== undefined) event.ts_us = time.us;
    event.ts_source = 'rfc3339';
    event.original_ts = stamp;
  } else event.warnings.push('timestamp_missing');
  event.host = host === '-' ? null : host;
  event.app = app === '-' ? '' : app;
  event.procid = procid === '-' ? null : procid;
  event.pid = /^\d{1,10}$/.test(procid) ? Number(procid) : null;
  event.msgid = msgid === '-' ? null : msgid;
  const sd = parseStructuredData(text, head[0].length);
  if (!sd.ok) return fail(event, 'sd_invalid', text);
  event.sd = sd.sd;
  let msg = text.slice(sd.end);
  if (msg !== '' && !msg.startsWith(' ')) return fail(event, 'sd_invalid', text);
  msg = msg.slice(1);
  if (msg.startsWith('[') && sd.sd) event.warnings.push('sd_space_between_elements');
  if (msg.startsWith('\uFEFF')) {
    msg = msg.slice(1);
    event.msg_bom = true;
  }
  event.msg = msg;
  return event;
}

function applyHeaderTime(event: ParsedSyslog, time: HeaderTime, ctx: ParseContext, tz: string): boolean {
  event.original_ts = time.original;
  if (time.tzName) event.tz_name = time.tzName;
  if (time.absolute !== undefined) {
    event.ts = time.absolute;
    event.ts_source = 'rfc3339';
    return true;
  }
  const local = time.local;
  const resolved =
    time.year !== undefined
      ? isValidDate(time.year, local.month, local.day)
        ? zonedToUtc({ ...local, year: time.year } satisfies LocalDateTime, tz)
        : undefined
      : inferYear(local, ctx.receivedAt, tz);
  if (!resolved) return false;
  event.ts = resolved.ts;
  event.ts_source = 'header';
  if (resolved.warning) event.warnings.push(resolved.warning);
  return true;
}

/** `[PREFIX: ]TAG[pid]: MSG` after the hostname; kernel uptime from a leading `[ 123.456]`. */
function parseTagAndMsg(event: ParsedSyslog, rest: string, ctx: ParseContext): void {
  let body = rest;
  if (ctx.logPrefix && body.startsWith(`${ctx.logPrefix}: `)) {
    event.prefix = ctx.logPrefix;
    body = body.slice(ctx.logPrefix.length + 2);
  } else if (!ctx.logPrefix) {
    const first = TAG.exec(body);
    if (first?.[1] && first[2] === undefined && !KNOWN_PROGRAMS.has(first[1])) {
      const next = TAG.exec(body.slice(first[0].length));
      if (next?.[1] && KNOWN_PROGRAMS.has(next[1])) {
        event.prefix = first[1];
        body = body.slice(first[0].length);
      }
    }
  }
  const tag = TAG.exec(body);
  if (tag) {
    event.app = tag[1];
    if (tag[2] !== undefined) {
      event.procid = tag[2];
      event.pid = /^\d{1,10}$/.test(tag[2]) ? Number(tag[2]) : null;
    }
    event.msg = body.slice(tag[0].length);
  } else {
    event.warnings.push(LONG_TAG.test(body) ? 'tag_too_long' : 'tag_missing');
    event.msg = body;
  }
  if (event.app === 'kernel') {
    const uptime = KERNEL_UPTIME.exec(event.msg);
    if (uptime) event.uptime_s = Number(uptime[1]);
  }
}

function parseBsd(event: ParsedSyslog, text: string, ctx: ParseContext, tz: string, hasPri: boolean): ParsedSyslog {
  const time = parseHeaderTime(text);
  if (!hasPri && !time?.logread) event.warnings.push('pri_missing');
  if (!time) {
    event.warnings.push('timestamp_missing');
    event.msg = text;
    return event;
  }
  if (time.logread) {
    event.format = 'logread';
    const facility = facilityCode(time.logread.facility);
    const severity = severityCode(time.logread.severity);
    if (facility === undefined || severity === undefined) event.warnings.push('pri_name_unknown');
    else if (!hasPri) setPri(event, facility * 8 + severity);
  } else event.format = 'rfc3164';
  if (!applyHeaderTime(event, time, ctx, tz)) return fail(event, 'timestamp_invalid', text);
  let rest = text.slice(time.end);
  const epoch = EPOCH_TAG.exec(rest);
  if (epoch && !time.logread) {
    event.ts = Number(epoch[1]) * 1000 + Number((epoch[2] ?? '').padEnd(3, '0').slice(0, 3));
    event.ts_source = 'epoch_tag';
    event.warnings = event.warnings.filter((w) => w !== 'time_ambiguous' && w !== 'time_in_gap');
    rest = rest.slice(epoch[0].length);
  }
  if (!time.logread) {
    const space = rest.indexOf(' ');
    const token = space < 0 ? rest : rest.slice(0, space);
    if (token !== '' && !token.endsWith(':') && !token.includes('[') && space > 0) {
      event.host = token;
      rest = rest.slice(space + 1);
    }
  }
  parseTagAndMsg(event, rest, ctx);
  return event;
}

/** Old ubox (2013-2015) `HOST [PREFIX: ][kernel: ]MSG`, without PRI or time; only used when the device says so. */
function parseLegacyUbox(event: ParsedSyslog, text: string, ctx: ParseContext): ParsedSyslog {
  event.format = 'legacy_ubox';
  event.warnings.push('timestamp_missing');
  const space = text.indexOf(' ');
  if (space <= 0) {
    event.msg = text;
    return event;
  }
  event.host = text.slice(0, space);
  parseTagAndMsg(event, text.slice(space + 1), ctx);
  return event;
}

/** Parses one syslog message (one frame or datagram, trailer already removed). */
export function parseSyslog(input: Uint8Array | string, ctx: ParseContext): ParsedSyslog {
  const event: ParsedSyslog = {
    ok: true,
    format: 'unknown',
    errors: [],
    warnings: [],
    pri: DEFAULT_PRI,
    facility: DEFAULT_PRI >> 3,
    severity: DEFAULT_PRI & 7,
    ts: ctx.receivedAt,
    ts_source: 'arrival',
    original_ts: null,
    host: null,
    app: '',
    pid: null,
    procid: null,
    msgid: null,
    prefix: null,
    uptime_s: null,
    sd: null,
    msg: '',
    msg_bom: false,
    raw: '',
  };
  try {
    let text = decode(input, event);
    if (text.includes('\0')) {
      text = text.replaceAll('\0', '\uFFFD'); // PostgreSQL text cannot hold NUL
      event.warnings.push('nul_replaced');
    }
    event.raw = text;
    let tz = ctx.timezone ?? 'UTC';
    if (!isValidTimeZone(tz)) {
      event.warnings.push('invalid_timezone');
      tz = 'UTC';
    }
    if (ctx.format === 'legacy_ubox') parseLegacyUbox(event, text, ctx);
    else {
      const pri = decodePri(text);
      if (pri.kind === 'error') return fail(event, pri.error, text);
      let rest = text;
      if (pri.kind === 'ok') {
        setPri(event, pri.pri);
        rest = text.slice(pri.end);
      }
      const parsed5424 = pri.kind === 'ok' ? parse5424(event, rest) : undefined;
      if (!parsed5424) {
        parseBsd(event, rest, ctx, tz, pri.kind === 'ok');
      }
    }
    const cut = cutToBytes(event.msg, ctx.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES);
    if (cut !== undefined) {
      event.msg = cut;
      event.warnings.push('truncated');
    }
    return event;
  } catch (error) {
    // Defensive: a parser bug must never take down ingest; the event keeps its raw text.
    event.ok = false;
    event.errors.push('parser_error');
    event.msg = event.raw;
    event.warnings.push(error instanceof Error ? error.name : 'unknown');
    return event;
  }
}
