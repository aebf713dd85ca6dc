/** What this process runs and has counted (spec 02-opmas "API" `GET /system/status`). */
import { readFileSync } from 'node:fs';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { agentHostOf, partitionLeasesOf } from '../agents/agent-runtime.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { systemMode } from '../orchestrator/orchestrator.ts';
import { orchestratorOf } from '../orchestrator/orchestrator-runtime.ts';
import { orchestratorPaused } from './orchestrator-pause.ts';
import type { SystemStatus } from './system.schema.ts';

const VERSION: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/** Version, uptime, role, node, mode, ingest counters and queue, agents' rules and (on NATS) held leases. */
export async function systemStatus(kernel: Kernel): Promise<SystemStatus> {
  const ingest = ingestRuntimeFor(kernel);
  const host = agentHostOf(kernel);
  const uptime = process.uptime();
  return {
    version: VERSION,
    started_at: new Date(Date.now() - uptime * 1000).toISOString(),
    uptime_s: Math.round(uptime),
    role: kernel.config.role,
    node: ingest.node,
    bus: kernel.config.natsUrl ? 'nats' : 'in-process',
    mode: await systemMode(kernel.db.orm, orchestratorOf(kernel).config.mode),
    orchestrator_paused: await orchestratorPaused(kernel.db.orm),
    ingest: {
      ...ingest.counters.totals(),
      queue_depth: ingest.queue.depth,
      queue_max: ingest.queue.max,
      paused: ingest.queue.paused,
      backpressure: ingest.queue.pressured,
    },
    agents: { running: host !== undefined, rules: host?.ruleIds().length ?? 0 },
    leases: partitionLeasesOf(kernel)?.held() ?? null,
  };
}
