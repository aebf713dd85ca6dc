import { after, before, describe } from 'node:test';
import { findPostgresBin, POSTGRES_MISSING, type PostgresServer, startPostgres } from './postgres-server.ts';
import { isCi } from './shared-data.ts';

export type Engine = 'pglite' | 'postgres';

export interface EngineContext {
  engine: Engine;
  /** A fresh database URL on the PostgreSQL tier; undefined on PGlite (use the template). */
  newDatabaseUrl(): Promise<string | undefined>;
}

/**
 * Registers the same suite once on PGlite and once on a real PostgreSQL 15 started for this file, so every database
 * test proves that one set of migrations and queries works on both engines. The PostgreSQL tier is required in CI.
 */
export function describeEachEngine(name: string, suite: (context: EngineContext) => void): void {
  describe(`${name} [pglite]`, () => suite({ engine: 'pglite', newDatabaseUrl: async () => undefined }));
  const available = Boolean(findPostgresBin());
  if (!available && isCi()) throw new Error(POSTGRES_MISSING);
  if (!available) console.warn(`SKIP ${POSTGRES_MISSING}`);
  describe(`${name} [postgres]`, { skip: available ? false : POSTGRES_MISSING }, () => {
    let server: PostgresServer | undefined;
    before(async () => {
      server = await startPostgres();
    });
    suite({ engine: 'postgres', newDatabaseUrl: async () => server!.createDatabase() });
    // Registered after the suite's own hooks, so the suite closes its connections before the server goes away.
    after(async () => {
      await server?.stop();
    });
  });
}
