import { after } from 'node:test';
import { type PostgresServer, postgresTierSkipReason, startPostgres } from './postgres-server.ts';

/**
 * One PostgreSQL 15 cluster per test file, started on first use and stopped when the file ends; `skip` gates the
 * PostgreSQL-tier suites (an error in CI when the server is not installed).
 */
export function postgresForFile(): { skip: string | undefined; newDatabaseUrl(): Promise<string> } {
  const skip = postgresTierSkipReason();
  let server: Promise<PostgresServer> | undefined;
  after(async () => {
    if (server) await (await server).stop();
  });
  return {
    skip,
    newDatabaseUrl: async () => {
      server ??= startPostgres();
      return (await server).createDatabase();
    },
  };
}
