/**
 * OPMAS metrics (spec 02-opmas "Observability") in the kernel's registry; no device or IP labels. Ingest and rule
 * counters are read from the in-process counters at scrape time (the hot paths only bump plain numbers); findings,
 * latency, executions and actions are counted where they happen.
 */
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq, sql } from 'drizzle-orm';
import { Counter, Gauge, Histogram } from 'prom-client';
import { agentHostOf } from './agents/agent-runtime.ts';
import { ingestRuntimeFor } from './ingest/ingest-runtime.ts';
import { decisions } from './orchestrator/orchestrator.tables.ts';

export interface OpmasMetrics {
  findings: Counter<'domain' | 'severity'>;
  pipelineLatency: Histogram<never>;
  executions: Counter<'playbook' | 'mode' | 'status'>;
  actions: Counter<'type' | 'status'>;
  checkpointSeconds: Histogram<never>;
}

const byKernel = new WeakMap<Kernel, OpmasMetrics>();

/** A counter whose value is copied from in-process counters when Prometheus scrapes. */
function mirroredCounter<L extends string>(
  kernel: Kernel,
  name: string,
  help: string,
  labelNames: L[],
  read: () => [Record<L, string>, number][],
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [kernel.metrics.registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) if (value > 0) this.inc(labels as never, value);
    },
  });
}

function register(kernel: Kernel): OpmasMetrics {
  const registers = [kernel.metrics.registry];
  const ingest = () => ingestRuntimeFor(kernel);
  mirroredCounter(
    kernel,
    'opmas_ingest_messages_total',
    'Syslog messages by transport and result',
    ['transport', 'result'],
    () =>
      Object.entries(ingest().counters.byTransport).flatMap(([transport, counters]) => [
        [{ transport, result: 'accepted' }, counters.accepted] as [Record<'transport' | 'result', string>, number],
        ...Object.entries(counters.dropped_by_reason).map(
          ([result, value]) => [{ transport, result }, value ?? 0] as [Record<'transport' | 'result', string>, number],
        ),
      ]),
  );
  mirroredCounter(kernel, 'opmas_ingest_bytes_total', 'Syslog bytes received by transport', ['transport'], () =>
    Object.entries(ingest().counters.byTransport).map(([transport, counters]) => [{ transport }, counters.bytes]),
  );
  mirroredCounter(
    kernel,
    'opmas_ingest_frame_errors_total',
    'Framing errors by transport and reason',
    ['transport', 'reason'],
    () =>
      Object.entries(ingest().counters.byTransport).flatMap(([transport, counters]) =>
        Object.entries(counters.frame_errors).map(
          ([reason, value]) => [{ transport, reason }, value] as [Record<'transport' | 'reason', string>, number],
        ),
      ),
  );
  mirroredCounter(
    kernel,
    'opmas_parse_degraded_total',
    'Accepted messages whose header did not parse (kept raw)',
    ['transport'],
    () =>
      Object.entries(ingest().counters.byTransport).map(([transport, counters]) => [
        { transport },
        counters.parse_degraded,
      ]),
  );
  new Gauge({
    name: 'opmas_ingest_queue_depth',
    help: 'Messages waiting in the ingest queue',
    registers,
    collect() {
      this.set(ingest().queue.depth);
    },
  });
  const ruleStats = (pick: 'matches' | 'fires' | 'invalid_keys' | 'evicted_keys') => () => {
    const host = agentHostOf(kernel);
    if (!host) return [];
    return host.ruleIds().map((rule) => [{ rule }, host.stats(rule)?.[pick] ?? 0] as [Record<'rule', string>, number]);
  };
  mirroredCounter(kernel, 'opmas_rule_matches_total', 'Events a rule matched', ['rule'], ruleStats('matches'));
  mirroredCounter(kernel, 'opmas_rule_fires_total', 'Findings a rule fired', ['rule'], ruleStats('fires'));
  mirroredCounter(
    kernel,
    'opmas_rule_invalid_keys_total',
    'Matches dropped by typed validation',
    ['rule'],
    ruleStats('invalid_keys'),
  );
  mirroredCounter(
    kernel,
    'opmas_rule_state_evictions_total',
    'Window keys evicted (LRU)',
    ['rule'],
    ruleStats('evicted_keys'),
  );
  new Gauge({
    name: 'opmas_decisions_active',
    help: 'Active decisions by type and whether they are simulated',
    labelNames: ['type', 'simulated'],
    registers,
    async collect() {
      const rows = await kernel.db.orm
        .select({ type: decisions.type, simulated: decisions.simulated, n: sql<number>`count(*)` })
        .from(decisions)
        .where(eq(decisions.status, 'active'))
        .groupBy(decisions.type, decisions.simulated);
      this.reset();
      for (const row of rows) this.set({ type: row.type, simulated: String(row.simulated) }, Number(row.n));
    },
  });
  return {
    findings: new Counter({
      name: 'opmas_findings_total',
      help: 'Findings created, by domain and severity',
      labelNames: ['domain', 'severity'],
      registers,
    }),
    pipelineLatency: new Histogram({
      name: 'opmas_pipeline_latency_seconds',
      help: 'Receive → finding stored',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    executions: new Counter({
      name: 'opmas_playbook_executions_total',
      help: 'Finished playbook executions by playbook, mode and status',
      labelNames: ['playbook', 'mode', 'status'],
      registers,
    }),
    actions: new Counter({
      name: 'opmas_actions_total',
      help: 'Actions by template and final status',
      labelNames: ['type', 'status'],
      registers,
    }),
    checkpointSeconds: new Histogram({
      name: 'opmas_state_checkpoint_seconds',
      help: 'Rule-state checkpoint duration',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
  };
}

/** The OPMAS metrics of this kernel, registered on first use. */
export function opmasMetricsOf(kernel: Kernel): OpmasMetrics {
  let metrics = byKernel.get(kernel);
  if (!metrics) {
    metrics = register(kernel);
    byKernel.set(kernel, metrics);
  }
  return metrics;
}
