import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type Database } from '@platform/kernel/db/database.ts';
import { type MigrationUnit, runMigrations } from '@platform/kernel/db/migrator.ts';

const cacheDir = join(tmpdir(), 'platform-pglite-templates');

/**
 * A migrated PGlite data directory, dumped once per migration set and cached on disk, so each test file starts from a
 * copy in memory instead of paying for initdb and every migration again.
 */
export async function pgliteTemplate(units: MigrationUnit[]): Promise<Blob> {
  const key = createHash('sha256')
    .update(JSON.stringify(units.map((unit) => [unit.schema, unit.migrations])))
    .digest('hex')
    .slice(0, 24);
  const file = join(cacheDir, `${key}.tar`);
  if (!existsSync(file)) {
    const database = await createDatabase({});
    await runMigrations(database, units);
    const dump = await database.dump?.();
    await database.close();
    if (!dump) throw new Error('PGlite dump unavailable');
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, Buffer.from(await dump.arrayBuffer()));
    renameSync(temporary, file);
  }
  return new Blob([readFileSync(file)]);
}

/** A fresh in-memory PGlite database with all migrations of the units applied. */
export async function createTemplateDatabase(units: MigrationUnit[]): Promise<Database> {
  return createDatabase({ loadDataDir: await pgliteTemplate(units) });
}
