// Applies all migrations and exits: the Helm pre-install/pre-upgrade hook and `npm run migrate`.
import { selectApps } from './apps/app-registry.ts';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { createDatabase } from './db/database.ts';
import { runMigrations } from './db/migrator.ts';
import { migrationUnitsOf } from './kernel.ts';

try {
  const config = loadConfig();
  const apps = await selectApps(config);
  const database = await createDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : config.dataDir,
  });
  const applied = await runMigrations(database, migrationUnitsOf(apps));
  await database.close();
  process.stdout.write(`${JSON.stringify({ applied })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
}
