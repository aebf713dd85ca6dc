/**
 * Profile matching (spec "Findings and orchestrator"): profiles in `priority` order; a filter holds rule globs,
 * domains, `severity_min`, device tags and labels, all of which must hold; `on_match: stop` ends the walk.
 */
import type { ProfileFilter, ProfileRow } from './orchestrator.tables.ts';

const SEVERITY_ORDER = ['info', 'warning', 'high', 'critical'];

/** What a filter reads from a finding and its device. */
export interface MatchableFinding {
  rule_id: string;
  domain: string;
  severity: string;
  labels: Record<string, string>;
  device_tags: string[];
}

/** `wifi.*` style globs: `*` is any run of characters, everything else literal. */
export function globMatches(glob: string, value: string): boolean {
  const pattern = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${pattern.join('.*')}$`).test(value);
}

export function filterMatches(filter: ProfileFilter, finding: MatchableFinding): boolean {
  if (filter.rules?.length && !filter.rules.some((glob) => globMatches(glob, finding.rule_id))) return false;
  if (filter.domains?.length && !filter.domains.includes(finding.domain)) return false;
  if (filter.severity_min && SEVERITY_ORDER.indexOf(finding.severity) < SEVERITY_ORDER.indexOf(filter.severity_min)) {
    return false;
  }
  if (filter.device_tags?.length && !filter.device_tags.every((tag) => finding.device_tags.includes(tag))) return false;
  for (const [name, value] of Object.entries(filter.labels ?? {})) if (finding.labels[name] !== value) return false;
  return true;
}

/** The enabled profiles that take the finding, in priority order, up to the first `stop`. */
export function matchingProfiles(profiles: ProfileRow[], finding: MatchableFinding): ProfileRow[] {
  const matched: ProfileRow[] = [];
  const ordered = [...profiles]
    .filter((p) => p.enabled)
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
  for (const profile of ordered) {
    if (!filterMatches(profile.filter, finding)) continue;
    matched.push(profile);
    if (profile.onMatch === 'stop') break;
  }
  return matched;
}
