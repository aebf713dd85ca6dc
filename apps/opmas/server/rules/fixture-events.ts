import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readFixtureLines } from '../ingest/fixture-lines.ts';
import { parseSyslog } from '../ingest/syslog-parser.ts';
import { logreadToWire } from '../ingest/wire-format.ts';
import { DEFAULT_PACK_PATH, loadDefaultPack } from './default-pack.ts';
import type { CompiledRule } from './rule-compiler.ts';
import type { EngineEvent } from './rule-engine.ts';

/**
 * Test-side helpers over the shared OPMAS fixtures: lines in wire format (host `OpenWrt`, as the fixture README
 * prescribes) parsed into engine events for one device, and the shipped default pack.
 */
export function fixtureEvents(dir: string, file: string, device = 'openwrt'): EngineEvent[] {
  return readFixtureLines(join(dir, file)).map((line) => toEngineEvent(logreadToWire(line), device));
}

/** Parses one wire line; `receivedAt` only anchors year inference, so a fixed arrival keeps tests deterministic. */
export function toEngineEvent(
  wire: string,
  device = 'openwrt',
  receivedAt = Date.parse('2025-06-01T00:00:00Z'),
): EngineEvent {
  const parsed = parseSyslog(wire, { receivedAt });
  return { device, ...parsed };
}

/** The shipped built-in pack, checked byte for byte against the normative fixture copy. */
export function defaultPackRules(dir: string): CompiledRule[] {
  const shipped = readFileSync(DEFAULT_PACK_PATH, 'utf8');
  if (shipped !== readFileSync(join(dir, 'default-rules.yaml'), 'utf8')) {
    throw new Error('the shipped default-rules.yaml differs from the normative pack');
  }
  return loadDefaultPack().rules;
}
