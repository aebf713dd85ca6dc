/**
 * Component health of this process (spec 02-opmas "API" `GET /system/health`): each component is ok, degraded,
 * down, or off when this process's role does not run it.
 */
import type { Kernel } from '@platform/kernel/kernel.ts';
import { sql } from 'drizzle-orm';
import { agentHostOf } from '../agents/agent-runtime.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import type { Transport } from '../ingest/ingest-types.ts';
import { orchestratorOf } from '../orchestrator/orchestrator-runtime.ts';
import { orchestratorPaused } from './orchestrator-pause.ts';
import type { ComponentHealth, SystemHealth } from './system.schema.ts';

/** A database round trip slower than this is reported degraded. */
const SLOW_DB_MS = 1000;
/** A bus that does not flush within this long is reported down. */
const BUS_TIMEOUT_MS = 2000;

const health = (state: ComponentHealth['state'], detail: string): ComponentHealth => ({ state, detail });

async function databaseHealth(kernel: Kernel): Promise<ComponentHealth> {
  const started = performance.now();
  try {
    await kernel.db.rows(sql`select 1`);
  } catch (error) {
    return health('down', `select 1 failed: ${(error as Error).message}`);
  }
  const ms = Math.round(performance.now() - started);
  return health(ms > SLOW_DB_MS ? 'degraded' : 'ok', `select 1 in ${ms} ms`);
}

async function busHealth(kernel: Kernel): Promise<ComponentHealth> {
  const kind = kernel.config.natsUrl ? 'nats' : 'in-process';
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), BUS_TIMEOUT_MS);
  });
  try {
    const outcome = await Promise.race([kernel.bus.flush().then(() => 'flushed' as const), timedOut]);
    return outcome === 'flushed' ? health('ok', kind) : health('down', `${kind}: no flush within ${BUS_TIMEOUT_MS} ms`);
  } catch (error) {
    return health('down', `${kind}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

function listenerHealth(kernel: Kernel, transport: Transport): ComponentHealth {
  const ingest = ingestRuntimeFor(kernel);
  const status = ingest.listenerStatuses().find((listener) => listener.transport === transport);
  if (!status) return health('off', 'no listener in this process');
  if (!status.bound) return health('down', status.error ?? 'not bound');
  const where = `${status.address}:${status.port}`;
  if (ingest.queue.paused) return health('degraded', `${where}, paused by an operator`);
  if (ingest.queue.pressured) return health('degraded', `${where}, queue above 80 %`);
  return health('ok', where);
}

/** Worker and all roles run agents, the orchestrator and the executor (spec "Architecture", roles). */
const runsWorkers = (kernel: Kernel) => kernel.config.role !== 'api';

/** Health of every OPMAS component as seen from this process. */
export async function checkHealth(kernel: Kernel): Promise<SystemHealth> {
  const [db, bus] = await Promise.all([databaseHealth(kernel), busHealth(kernel)]);
  const host = agentHostOf(kernel);
  const agents = host ? health('ok', `${host.ruleIds().length} rules`) : health('off', 'no agent host in this process');
  const { config } = orchestratorOf(kernel);
  let orchestrator = health('off', 'api role: the worker nodes orchestrate');
  if (runsWorkers(kernel)) {
    const paused = db.state !== 'down' && (await orchestratorPaused(kernel.db.orm));
    orchestrator = paused ? health('degraded', 'paused by an operator') : health('ok', `default mode ${config.mode}`);
  }
  const executor = runsWorkers(kernel)
    ? health('ok', `ssh, ≤${config.execConcurrency} at once`)
    : health('off', 'api role: the worker nodes execute');
  const components = {
    db,
    bus,
    ingest: {
      udp: listenerHealth(kernel, 'udp'),
      tcp: listenerHealth(kernel, 'tcp'),
      tls: listenerHealth(kernel, 'tls'),
    },
    agents,
    orchestrator,
    executor,
  };
  const states = [db, bus, ...Object.values(components.ingest), agents, orchestrator, executor].map((c) => c.state);
  const status = states.includes('down') ? 'down' : states.includes('degraded') ? 'degraded' : 'ok';
  return { status, components };
}
