import type { FindingView } from '../api/opmas-types.ts';

/** The list filters the page offers (spec 02-opmas "API": `status, severity, domain, device`); empty = any. */
// A type alias, not an interface, so it passes as the `Record<string, QueryValue>` query of `useApiQuery`.
export type FindingFilters = {
  status: string;
  severity: string;
  domain: string;
  device: string;
};

export const noFilters: FindingFilters = { status: '', severity: '', domain: '', device: '' };

/** Whether a finding belongs in a list shown with these filters (the stream sends every change). */
export function matchesFilters(finding: FindingView, filters: FindingFilters): boolean {
  return (
    (!filters.status || finding.status === filters.status) &&
    (!filters.severity || finding.severity === filters.severity) &&
    (!filters.domain || finding.domain === filters.domain) &&
    (!filters.device || finding.device === filters.device)
  );
}

/**
 * A list page after one streamed change: replaced in place, dropped when it no longer matches, or added to the first page
 * (newest first, as the server orders it).
 */
export function upsertFinding<P extends { items: FindingView[] }>(
  page: P,
  finding: FindingView,
  filters: FindingFilters,
  firstPage: boolean,
): P {
  const known = page.items.some((item) => item.id === finding.id);
  const belongs = matchesFilters(finding, filters);
  if (known) {
    const items = belongs
      ? page.items.map((item) => (item.id === finding.id ? finding : item))
      : page.items.filter((item) => item.id !== finding.id);
    return { ...page, items };
  }
  if (!belongs || !firstPage) return page;
  const items = [finding, ...page.items].sort((a, b) => b.created_at.localeCompare(a.created_at));
  return { ...page, items };
}
