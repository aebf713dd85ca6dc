/**
 * Typed command-template parameters (spec 02-opmas "Command templates"): every type has a closed charset, so no accepted
 * value can carry shell syntax, and every accepted value is normalised to one canonical spelling. There is no free-text
 * type. IP parsing is done here with `node:net` plus explicit expansion because the app does not declare `ipaddr.js`.
 */
import { isIPv6 } from 'node:net';

export type ParamSpec =
  | { type: 'mac' | 'ip' | 'ipv4' | 'ipv6' | 'cidr' | 'iface' | 'user' | 'hostname' | 'host' }
  /** Non-negative integers only: a leading `-` could be read as an option by the remote command. */
  | { type: 'int'; min?: number; max?: number }
  | { type: 'enum'; values: readonly string[] }
  /** `90`, `90s`, `15m`, `4h` or `1d`, normalised to whole seconds; min/max in seconds. */
  | { type: 'duration'; min?: number; max?: number };

export type ParamType = ParamSpec['type'];

export interface ParseContext {
  /** Remediation templates refuse loopback, unspecified, multicast and these ranges (`OPMAS_PROTECTED_CIDRS`). */
  refuseProtected: boolean;
  protectedCidrs?: readonly string[];
}

export type ParamResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * The re-check applied to every rendered value (spec: substituted values ⊂ `[A-Za-z0-9_.:/-]`), plus no leading `-`
 * so a value can never become an option of the remote command.
 */
export const SAFE_VALUE = /^[A-Za-z0-9_.:/][A-Za-z0-9_.:/-]*$/;

const MAC = /^[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}$/;
const IFACE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;
const USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const HOSTNAME_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** Only hex digits, colons and an embedded dotted quad: rejects zone ids (`%eth0`) that `isIPv6` accepts. */
const IPV6_CHARS = /^[0-9a-fA-F:.]{2,45}$/;
const DIGITS = /^(0|[1-9]\d{0,14})$/;
const DURATION = /^(0|[1-9]\d{0,9})([smhd]?)$/;
const DURATION_UNIT_S: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };

/** Ranges no remediation may target whatever the configuration says (loopback, unspecified, multicast). */
const ALWAYS_PROTECTED = ['127.0.0.0/8', '0.0.0.0/8', '224.0.0.0/4', '::1/128', '::/128', 'ff00::/8'];

interface ParsedIp {
  family: 4 | 6;
  bits: bigint;
  text: string;
}

interface ParsedCidr extends ParsedIp {
  prefix: number;
}

/** Validates and normalises one raw value (a string, or a number for numeric types) against its declared type. */
export function parseParam(spec: ParamSpec, raw: unknown, context: ParseContext): ParamResult {
  const text = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof text !== 'string') return fail(`expected a ${spec.type} as a string`);
  const result = parseText(spec, text, context);
  // Defence in depth: whatever a parser accepted must still fall inside the closed charset.
  if (result.ok && !SAFE_VALUE.test(result.value)) return fail('value outside the allowed characters');
  return result;
}

function parseText(spec: ParamSpec, text: string, context: ParseContext): ParamResult {
  switch (spec.type) {
    case 'mac':
      return MAC.test(text) ? ok(text.toLowerCase().replaceAll('-', ':')) : fail('not a MAC address');
    case 'iface':
      return IFACE.test(text) ? ok(text) : fail('not an interface name');
    case 'user':
      return USER.test(text) ? ok(text) : fail('not a user name');
    case 'hostname':
      return isHostname(text) ? ok(text) : fail('not an RFC 1123 host name');
    case 'ip':
    case 'ipv4':
    case 'ipv6':
      return checkedIp(spec.type, text, context);
    case 'host':
      return parseIp(text)
        ? checkedIp('ip', text, context)
        : isHostname(text)
          ? ok(text)
          : fail('not an IP or host name');
    case 'cidr':
      return checkedCidr(text, context);
    case 'int':
      return inRange(DIGITS.test(text) ? Number(text) : undefined, spec.min ?? 0, spec.max, 'integer');
    case 'enum':
      return spec.values.includes(text) ? ok(text) : fail(`not one of ${spec.values.join(', ')}`);
    case 'duration': {
      const match = DURATION.exec(text);
      const seconds = match ? Number(match[1]) * DURATION_UNIT_S[match[2]] : undefined;
      return inRange(seconds, spec.min ?? 0, spec.max, 'duration');
    }
  }
}

function checkedIp(type: 'ip' | 'ipv4' | 'ipv6', text: string, context: ParseContext): ParamResult {
  const ip = parseIp(text);
  if (!ip || (type === 'ipv4' && ip.family !== 4) || (type === 'ipv6' && ip.family !== 6))
    return fail(`not an ${type === 'ip' ? 'IP' : type === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  if (
    context.refuseProtected &&
    protectedRanges(context).some((range) => overlaps(range, { ...ip, prefix: bitsOf(ip) }))
  )
    return fail('address is in a protected range');
  return ok(ip.text);
}

function checkedCidr(text: string, context: ParseContext): ParamResult {
  const cidr = parseCidr(text);
  if (!cidr) return fail('not a CIDR');
  if (context.refuseProtected && protectedRanges(context).some((range) => overlaps(range, cidr)))
    return fail('range overlaps a protected range');
  return ok(`${cidr.text}/${cidr.prefix}`);
}

function isHostname(text: string): boolean {
  return text.length <= 253 && text.split('.').every((label) => HOSTNAME_LABEL.test(label));
}

function inRange(value: number | undefined, min: number, max: number | undefined, what: string): ParamResult {
  if (value === undefined || !Number.isSafeInteger(value)) return fail(`not a non-negative ${what}`);
  if (value < min || (max !== undefined && value > max)) return fail(`${what} outside ${min}..${max ?? '∞'}`);
  return ok(String(value));
}

/** Strict IPv4 (no leading zeros, no short forms) or IPv6 without zone id; IPv6 is returned lower-cased. */
export function parseIp(text: string): ParsedIp | undefined {
  if (IPV4.test(text)) return { family: 4, bits: ipv4Bits(text), text };
  if (!IPV6_CHARS.test(text) || !isIPv6(text)) return undefined;
  return { family: 6, bits: ipv6Bits(text.toLowerCase()), text: text.toLowerCase() };
}

/** `address/prefix` with the prefix in range for the family and no leading zeros; host bits may be set. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bitsOf(ip) ? { ...ip, prefix } : undefined;
}

function protectedRanges(context: ParseContext): ParsedCidr[] {
  return [...ALWAYS_PROTECTED, ...(context.protectedCidrs ?? [])].flatMap((text) => parseCidr(text) ?? []);
}

/** Two ranges overlap when the shorter prefix contains the other's network; IPv4-mapped IPv6 is compared as IPv4. */
function overlaps(a: ParsedCidr, b: ParsedCidr): boolean {
  const [left, right] = [unmapped(a), unmapped(b)];
  if (left.family !== right.family) return false;
  const prefix = Math.min(left.prefix, right.prefix);
  const shift = BigInt(bitsOf(left) - prefix);
  return left.bits >> shift === right.bits >> shift;
}

const MAPPED_PREFIX = 0xffffn << 32n;

function unmapped(range: ParsedCidr): ParsedCidr {
  if (range.family !== 6 || range.prefix < 96 || range.bits >> 32n !== 0xffffn) return range;
  return { family: 4, bits: range.bits - MAPPED_PREFIX, text: range.text, prefix: range.prefix - 96 };
}

function bitsOf(ip: { family: 4 | 6 }): number {
  return ip.family === 4 ? 32 : 128;
}

function ipv4Bits(text: string): bigint {
  return text.split('.').reduce((bits, octet) => (bits << 8n) | BigInt(octet), 0n);
}

/** Expands `::` and an embedded dotted quad; the text already passed `isIPv6`. */
function ipv6Bits(text: string): bigint {
  let groups = text;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipv4Bits(dotted[1]);
    groups = `${text.slice(0, dotted.index)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = groups.split('::');
  const headParts = head ? head.split(':') : [];
  const tailParts = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array(8 - headParts.length - tailParts.length).fill('0');
  return [...headParts, ...middle, ...tailParts].reduce((bits, group) => (bits << 16n) | BigInt(`0x${group}`), 0n);
}

function ok(value: string): ParamResult {
  return { ok: true, value };
}

function fail(reason: string): ParamResult {
  return { ok: false, reason };
}
