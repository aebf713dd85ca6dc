import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp } from '@platform/kernel/apps/define-app.ts';
import { loadMigrations } from '@platform/kernel/db/migrator.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { openIngestJournal, startAgents } from './agents/agent-runtime.ts';
import { startIngest } from './ingest/ingest-runtime.ts';
import { factsSubscription } from './inventory/inventory.subscription.ts';
import { opmasMetricsOf } from './opmas.metrics.ts';
import { permissionDeclarations, policies } from './opmas.permissions.ts';
import { opmasRoutes } from './opmas.routes.ts';
import { findingSubscription, playbookJob, startOrchestrator } from './orchestrator/orchestrator-runtime.ts';
import { RuleService } from './rules/rule.service.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** OPMAS: OpenWrt syslog ingest, classification, devices, rule agents, findings and the orchestrator (spec 02-opmas). */
export const opmasApp = defineApp({
  id: 'opmas',
  title: 'OPMAS',
  description: 'Receives, parses and classifies syslog from OpenWrt fleets and turns it into findings and actions',
  migrations: loadMigrations(migrationsDir),
  routes: opmasRoutes,
  permissions: permissionDeclarations,
  policies,
  // spec 02-opmas "Bad input": schema violations answer 400 `validation_failed` (not FastAPI's 422).
  validationStatus: 400,
  // Listeners and agents in worker/all processes; device traffic flush everywhere (spec "Architecture", roles).
  start: startOpmas,
  jobs: [playbookJob],
  subscriptions: [findingSubscription, factsSubscription],
});

/**
 * Seeds the shipped rules (every role: the API lists them), starts ingest, then the agents; stops ingest first so
 * its last flushed batches still reach the agents. In embedded worker processes both share the ingest journal.
 */
async function startOpmas(kernel: Kernel): Promise<() => Promise<void>> {
  opmasMetricsOf(kernel);
  await new RuleService(kernel).seedBuiltins();
  const stopOrchestrator = await startOrchestrator(kernel);
  const journal = await openIngestJournal(kernel);
  const stopIngest = await startIngest(kernel, journal);
  const stopAgents = await startAgents(kernel, journal);
  return async () => {
    await stopIngest();
    await stopAgents?.();
    journal?.close();
    await stopOrchestrator();
  };
}
