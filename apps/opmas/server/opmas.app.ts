import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp } from '@platform/kernel/apps/define-app.ts';
import { loadMigrations } from '@platform/kernel/db/migrator.ts';
import { startIngest } from './ingest/ingest-runtime.ts';
import { permissionDeclarations, policies } from './opmas.permissions.ts';
import { opmasRoutes } from './opmas.routes.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** OPMAS: OpenWrt syslog ingest, classification and devices (spec 02-opmas); agents and orchestrator come later. */
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
  // Listeners in worker/all processes; device traffic flush everywhere (spec "Architecture", roles).
  start: startIngest,
});
