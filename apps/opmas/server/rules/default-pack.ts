import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CompiledRule } from './rule-compiler.ts';
import type { RulePack } from './rule-document.ts';
import { parseRulePack } from './rule-pack.ts';

/** The built-in OpenWrt pack (spec 02-opmas "Fixtures": normative, shipped byte for byte). */
export const DEFAULT_PACK_PATH = join(dirname(fileURLToPath(import.meta.url)), 'default-rules.yaml');

/** Parses and compiles the built-in pack; its rules are what a fresh installation runs. */
export function loadDefaultPack(): { pack: RulePack; rules: CompiledRule[] } {
  return parseRulePack(readFileSync(DEFAULT_PACK_PATH, 'utf8'));
}
