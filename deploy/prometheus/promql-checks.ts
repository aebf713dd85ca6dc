// Light static checks of the PromQL in alerts and dashboards (no promtool offline): brackets balance, metric names
// are ones the platform exports (kernel metrics, `<app>_…` app metrics, prom-client defaults, Prometheus' own `up`),
// and counters are the only series given to rate()/increase().

/** Metrics the kernel exports (platform spec, "Observability"); histogram series carry _bucket/_sum/_count. */
export const kernelMetrics = [
  'http_request_duration_seconds_bucket',
  'http_request_duration_seconds_count',
  'http_request_duration_seconds_sum',
  'platform_jobs_queue_depth',
  'platform_bus_messages_total',
];

/** prom-client default metrics (collectDefaultMetrics) and the scrape health series. */
const runtimeMetrics = ['up', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds'];

/** Apps name their own metrics `<app>_…` (platform spec, "Observability"). */
const appMetric = /^(odh_tec|opmas|tvbo|vtoc|cmbcluster)_[a-z0-9_]+$/;

// PromQL syntax words, and aggregation operators, which may be followed by `by (…)` instead of their parentheses.
const keywords = new Set(
  'by without and or unless on ignoring group_left group_right offset bool sum min max avg group stddev stdvar count count_values bottomk topk quantile'.split(
    ' ',
  ),
);

const isCounterSeries = (name: string) => /(_total|_count|_sum|_bucket)$/.test(name);

export function promqlProblems(expression: string): string[] {
  const problems: string[] = [];
  // Strip label matchers, strings and range selectors: what is left are identifiers, operators and numbers.
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '');
  let depth = 0;
  for (const character of expression.replace(/"(?:[^"\\]|\\.)*"/g, '')) {
    if ('([{'.includes(character)) depth++;
    if (')]}'.includes(character)) depth--;
    if (depth < 0) break;
  }
  if (depth !== 0) problems.push('unbalanced brackets');
  for (const match of bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?/g)) {
    const [, name, call] = match;
    if (keywords.has(name) || call) continue;
    // Words inside `by (...)` / `without (...)` are label names, not metrics.
    const before = bare.slice(0, match.index);
    if (/\b(by|without|on|ignoring)\s*\([^)]*$/.test(before)) continue;
    if (!kernelMetrics.includes(name) && !runtimeMetrics.includes(name) && !appMetric.test(name)) {
      problems.push(`unknown metric ${name}`);
    }
  }
  for (const match of expression.matchAll(/\b(rate|irate|increase)\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)/g)) {
    if (!isCounterSeries(match[2])) problems.push(`${match[1]}() of gauge ${match[2]}`);
  }
  return problems;
}
