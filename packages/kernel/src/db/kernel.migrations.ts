import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMigrations, type MigrationUnit } from './migrator.ts';

/** The kernel's migration unit: schema `kernel`, SQL files in packages/kernel/migrations. */
export const kernelMigrations: MigrationUnit = {
  schema: 'kernel',
  migrations: loadMigrations(join(dirname(fileURLToPath(import.meta.url)), '../../migrations')),
};
