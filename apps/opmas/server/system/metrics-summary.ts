/** A JSON summary of the OPMAS Prometheus metrics (spec 02-opmas "API" `GET /system/metrics`, "Observability"). */
import type { Registry } from 'prom-client';
import type { MetricsSummary, Tally } from './system.schema.ts';

type MetricJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>[number];

/** Sums a counter or gauge over all its series, and per value of one label. */
function tally(metrics: MetricJson[], name: string, label: string): Tally {
  const metric = metrics.find((m) => m.name === name);
  const by: Record<string, number> = {};
  let total = 0;
  for (const { value, labels } of metric?.values ?? []) {
    total += value;
    const key = String(labels[label] ?? '');
    by[key] = (by[key] ?? 0) + value;
  }
  return { total, by };
}

/** Ingest totals, findings, actions, executions and active decisions out of `getMetricsAsJSON()`. */
export function summarizeMetrics(metrics: MetricJson[]): MetricsSummary {
  return {
    ingest: {
      messages: tally(metrics, 'opmas_ingest_messages_total', 'result'),
      bytes: tally(metrics, 'opmas_ingest_bytes_total', 'transport').total,
      queue_depth: tally(metrics, 'opmas_ingest_queue_depth', 'none').total,
    },
    findings: tally(metrics, 'opmas_findings_total', 'severity'),
    actions: tally(metrics, 'opmas_actions_total', 'status'),
    executions: tally(metrics, 'opmas_playbook_executions_total', 'status'),
    decisions_active: tally(metrics, 'opmas_decisions_active', 'type'),
  };
}
