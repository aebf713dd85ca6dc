/**
 * What the OPMAS replayer sends and where (spec 02 "Replayer" and "Wire conversion"): the target URL, the corpus
 * lines rewritten per loop (device hostnames, IPv4 rotation, retiming) in one of three output formats, framed for
 * TCP/TLS. Pure and deterministic: the send time comes from the caller's clock.
 */
import { readFixtureLines } from '../ingest/fixture-lines.ts';
import { logreadToWire } from '../ingest/wire-format.ts';

export type ReplayFormat = 'openwrt' | 'rfc5424' | 'raw';
export type Framing = 'lf' | 'nul' | 'octet';

export const REPLAY_FORMATS: readonly ReplayFormat[] = ['openwrt', 'rfc5424', 'raw'];
export const FRAMINGS: readonly Framing[] = ['lf', 'nul', 'octet'];

/** One line to send and the device (0 … devices−1) that sends it, so senders can give each device its own socket. */
export interface ReplayLine {
  text: string;
  device: number;
}

export interface LineOptions {
  /** M > 1 rewrites the hostname to `ap-1 … ap-M`, round-robin over the stream. */
  devices: number;
  format: ReplayFormat;
  rotateIps: boolean;
  /** Rewrites the header timestamp to the send time instead of keeping the corpus time. */
  retime: boolean;
}

export interface StreamOptions extends LineOptions {
  /** Passes over the corpus; `Infinity` for `--duration`, where the time bound stops the run. */
  loops: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** The logread file header, for the year and date that the BSD wire header drops. */
const LOGREAD_DATE = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d:\d\d:\d\d) (\d{4}) /;
/** A converted line: `<PRI>Mmm dd hh:mm:ss HOST REST`. */
const BSD_WIRE = /^<(\d{1,3})>([A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d) (\S+) (.*)$/s;
/** `APP[PID]: MSG`, the tag as ubox writes it (kernel lines: `kernel: MSG`). */
const TAG = /^([^\s:[\]]{0,48})(?:\[(\d+)\])?: ?(.*)$/s;
const IPV4 = /\b(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\b/g;

/** Where the replayer sends without `--target` (spec 02 "Replayer"). */
export const DEFAULT_TARGET = 'udp://127.0.0.1:5514';
const PROTOCOLS = ['udp', 'tcp', 'tls', 'http', 'https'] as const;
type Protocol = (typeof PROTOCOLS)[number];

export interface ReplayTarget {
  protocol: Protocol;
  host: string;
  port: number;
  url: string;
}

/** Parses a target URL; throws on an unknown scheme or a missing port. */
export function parseTarget(target: string): ReplayTarget {
  const url = new URL(target);
  const protocol = url.protocol.slice(0, -1) as Protocol;
  if (!PROTOCOLS.includes(protocol)) throw new Error(`unsupported target ${target} (udp, tcp, tls, http or https)`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const defaultPort = protocol === 'http' ? 80 : protocol === 'https' ? 443 : 0;
  const port = url.port ? Number(url.port) : defaultPort;
  if (!host || port === 0) throw new Error(`target ${target} needs a host and a port`);
  return { protocol, host, port, url: url.href };
}

/** True for `localhost`, 127.0.0.0/8 and ::1. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The data lines of a corpus file (fixture convention: empty and `#` lines skipped, never trimmed). */
export function readCorpus(path: string): string[] {
  const lines = readFixtureLines(path);
  if (lines.length === 0) throw new Error(`${path} has no data lines`);
  return lines;
}

/** The hostname device `device` sends with: the OpenWrt default for one device, else `ap-1 … ap-M`. */
export function deviceHost(device: number, devices: number): string {
  return devices > 1 ? `ap-${device + 1}` : 'OpenWrt';
}

/**
 * Rewrites every IPv4 address into 198.18.0.0/15 (RFC 2544 benchmarking range), so each loop brings new addresses:
 * a fixed hash of the address plus an odd multiple of the loop index, hence the same loop maps the same way and two
 * loops (fewer than 2^17 apart) never map an address alike.
 */
export function rotateIpv4(text: string, loop: number): string {
  return text.replace(IPV4, (match, ...octets: string[]) => {
    const parts = octets.slice(0, 4).map(Number);
    if (parts.some((part) => part > 255)) return match;
    const address = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
    const mixed = Math.imul(address ^ (address >>> 15), 0x2c1b3c6d) >>> 0;
    const offset = (mixed + Math.imul(loop, 40_503)) & 0x1ffff;
    return `198.${18 + (offset >>> 16)}.${(offset >>> 8) & 0xff}.${offset & 0xff}`;
  });
}

/** `Mmm dd hh:mm:ss` in UTC, day padded with a space (the receiver reads it in the device zone, UTC by default). */
export function bsdTimestamp(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[date.getUTCMonth()]} ${day} ${date.toISOString().slice(11, 19)}`;
}

/** logread line → BSD wire line (spec "Wire conversion"), its timestamp replaced by `sendTime` when given. */
export function toOpenwrtWire(line: string, host: string, sendTime?: Date): string {
  const wire = logreadToWire(line, host);
  if (wire === line || !sendTime) return wire;
  const m = BSD_WIRE.exec(wire);
  return m ? `<${m[1]}>${bsdTimestamp(sendTime)} ${m[3]} ${m[4]}` : wire;
}

/**
 * logread line → RFC 5424 `<PRI>1 TIMESTAMP HOST APP PROCID - - MSG`. The corpus time carries no zone; it is written
 * as UTC, the receiver's default device zone. Lines that are not logread lines are returned unchanged.
 */
export function toRfc5424(line: string, host: string, sendTime?: Date): string {
  const date = LOGREAD_DATE.exec(line);
  const wire = BSD_WIRE.exec(logreadToWire(line, host));
  if (!date || !wire) return line;
  const [, month, day, time, year] = date;
  const monthNumber = String(MONTHS.indexOf(month) + 1).padStart(2, '0');
  const timestamp = sendTime?.toISOString() ?? `${year}-${monthNumber}-${day.trim().padStart(2, '0')}T${time}Z`;
  const tag = TAG.exec(wire[4]);
  const [app, procid, msg] = tag ? [tag[1] || '-', tag[2] ?? '-', tag[3]] : ['-', '-', wire[4]];
  const header = `<${wire[1]}>1 ${timestamp} ${host} ${app} ${procid} - -`;
  return msg === '' ? header : `${header} ${msg}`;
}

/** One corpus line as device `device` sends it in loop `loop` at `sendTime`. */
export function renderLine(line: string, loop: number, device: number, sendTime: Date, options: LineOptions): string {
  const source = options.rotateIps ? rotateIpv4(line, loop) : line;
  if (options.format === 'raw') return source;
  const host = deviceHost(device, options.devices);
  const time = options.retime ? sendTime : undefined;
  return options.format === 'rfc5424' ? toRfc5424(source, host, time) : toOpenwrtWire(source, host, time);
}

/**
 * The replay stream: `loops` passes over the corpus, devices assigned round-robin over the whole stream. Lazy, so
 * `clock` is read when the sender pulls a line, i.e. at send time.
 */
export function* replayLines(
  corpus: readonly string[],
  options: StreamOptions,
  clock: () => Date = () => new Date(),
): Generator<ReplayLine> {
  if (corpus.length === 0) return;
  const devices = Math.max(1, options.devices);
  let sequence = 0;
  for (let loop = 0; loop < options.loops; loop++) {
    for (const line of corpus) {
      const device = sequence++ % devices;
      yield { text: renderLine(line, loop, device, clock(), options), device };
    }
  }
}

/** A line framed for TCP/TLS: LF or NUL trailer (RFC 6587 §3.4.2, ubox) or octet counting `LEN SP MSG` (§3.4.1). */
export function encodeFrame(text: string, framing: Framing): Buffer {
  if (framing === 'nul') return Buffer.from(`${text}\0`);
  if (framing === 'octet') return Buffer.from(`${Buffer.byteLength(text)} ${text}`);
  return Buffer.from(`${text}\n`);
}
