import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineApp } from '@platform/kernel/apps/define-app.ts';
import { loadMigrations } from '@platform/kernel/db/migrator.ts';
import { startEmbeddedS3ForKernel } from './embedded/embedded-s3.ts';
import { permissionDeclarations, policies } from './odh-tec.permissions.ts';
import { odhTecRoutes } from './odh-tec.routes.ts';
import { transferJob } from './transfers/transfer.job.ts';

const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** ODH-TEC: S3 browser with named connections and the VRAM estimator (spec 01-odh-tec). */
export const odhTecApp = defineApp({
  id: 'odh-tec',
  title: 'ODH-TEC',
  description: 'Browse S3 buckets through named connections and estimate the GPU memory (VRAM) a model needs',
  migrations: loadMigrations(migrationsDir),
  routes: odhTecRoutes,
  jobs: [transferJob],
  permissions: permissionDeclarations,
  policies,
  // Upstream clients expect 400 for bad input (spec 00-platform "HTTP").
  validationStatus: 400,
  // The `embedded` location: the in-process S3 server under DATA_DIR (spec 01-odh-tec M1, acceptance 26).
  start: startEmbeddedS3ForKernel,
});
