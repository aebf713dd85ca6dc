/**
 * ReDoS check of rule regexes with `recheck` (spec 02-opmas "Rule documents"): exponential or polynomial degree ≥ 3
 * is refused, degree 2 is accepted with the warning `regex_polynomial`. A check that cannot finish in its budget is
 * accepted with `regex_unchecked`, because the match stage also caps input length (`OPMAS_RULE_MATCH_MAX_CHARS`).
 */
import { check } from 'recheck';
import { type RuleDocument, RuleError } from './rule-document.ts';

/** Budget of one regex check; the native backend answers in milliseconds, the JS fallback in ≲ 1 s. */
const CHECK_TIMEOUT_MS = 5000;

export interface RegexWarning {
  code: 'regex_polynomial' | 'regex_unchecked';
  pattern: string;
}

/** Every regex of a rule document: patterns first (with their index), then excludes. */
function regexesOf(doc: RuleDocument): { source: string; flags: string; where: string }[] {
  const patterns = (doc.match?.patterns ?? []).map((pattern, index) => ({
    source: pattern.regex,
    flags: pattern.flags ?? '',
    where: `match.patterns[${index}]`,
  }));
  const excludes = (doc.match?.exclude ?? []).map((source, index) => ({
    source,
    flags: '',
    where: `match.exclude[${index}]`,
  }));
  return [...patterns, ...excludes];
}

/** Throws `rule_regex_unsafe` for a vulnerable regex; returns the warnings of the accepted ones. */
export async function checkRuleRegexes(doc: RuleDocument): Promise<RegexWarning[]> {
  const warnings: RegexWarning[] = [];
  for (const { source, flags, where } of regexesOf(doc)) {
    const diagnostics = await check(source, flags, { timeout: CHECK_TIMEOUT_MS });
    if (diagnostics.status === 'unknown') {
      warnings.push({ code: 'regex_unchecked', pattern: where });
      continue;
    }
    if (diagnostics.status !== 'vulnerable') continue;
    const { complexity } = diagnostics;
    if (complexity.type === 'polynomial' && complexity.degree <= 2) {
      warnings.push({ code: 'regex_polynomial', pattern: where });
      continue;
    }
    const degree = complexity.type === 'polynomial' ? `polynomial of degree ${complexity.degree}` : complexity.type;
    throw new RuleError('rule_regex_unsafe', `${where}: catastrophic backtracking (${degree})`, {
      pattern: where,
      attack: diagnostics.attack.pattern,
    });
  }
  return warnings;
}
