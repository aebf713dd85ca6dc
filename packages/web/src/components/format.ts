/** Local date and time for an ISO timestamp; an em dash for "never". */
export function formatTime(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** The start (`from`) or end (`to`) of a local calendar day (`YYYY-MM-DD`) as an ISO instant. */
export function dayBoundary(day: string, edge: 'from' | 'to'): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]) - 1, Number(match[3])];
  const instant = edge === 'from' ? new Date(year, month, date) : new Date(year, month, date + 1, 0, 0, 0, -1);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}
