/**
 * Rule pack files (YAML, spec 02 "Rule documents"): `{pack, pack_version, rules[]}`, every rule compiled up front so a
 * broken pack is refused as a whole.
 */
import { parse } from 'yaml';
import { type CompiledRule, compileRule } from './rule-compiler.ts';
import { RuleError, type RulePack } from './rule-document.ts';

export function parseRulePack(yamlText: string): { pack: RulePack; rules: CompiledRule[] } {
  let pack: RulePack;
  try {
    pack = parse(yamlText) as RulePack;
  } catch (error) {
    throw new RuleError('rule_invalid', `pack is not valid YAML: ${(error as Error).message}`);
  }
  if (!pack || typeof pack.pack !== 'string' || !Array.isArray(pack.rules)) {
    throw new RuleError('rule_invalid', 'pack needs `pack` and `rules`');
  }
  const seen = new Set<string>();
  const rules = pack.rules.map((doc) => {
    if (seen.has(doc?.id)) throw new RuleError('rule_invalid', `duplicate rule id ${doc.id}`, { field: 'id' });
    seen.add(doc?.id);
    return compileRule(doc);
  });
  return { pack, rules };
}
