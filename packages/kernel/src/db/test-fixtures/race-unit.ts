import type { MigrationUnit } from '../migrator.ts';

/**
 * Migrations that count their own runs in `public.migration_runs` (created by the test) and sleep, so that processes
 * migrating at once overlap; a table per migration makes a second run fail loudly as well.
 */
export const raceUnit: MigrationUnit = {
  schema: 'racetest',
  migrations: ['0001_alpha', '0002_beta', '0003_gamma'].map((name) => ({
    name,
    sql: `create table ${name.slice(5)} (id integer);
          insert into public.migration_runs (name, backend_pid) values ('${name}', pg_backend_pid());
          select pg_sleep(0.2);`,
  })),
};
