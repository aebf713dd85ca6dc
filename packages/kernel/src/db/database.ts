import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';

/** The Drizzle handle every repository uses; the same type for PGlite and PostgreSQL. */
// biome-ignore lint/suspicious/noExplicitAny: the schema generic is per app; repositories bring their own tables.
export type Orm = PgDatabase<PgQueryResultHKT, any>;
/** A Drizzle handle inside a transaction (same query API as Orm). */
export type Executor = Orm;

/** One dedicated connection, for work that must not interleave with others (migrations, advisory locks, LISTEN). */
export interface SqlSession {
  /** Runs one statement with positional parameters ($1, $2, ...). */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters. */
  exec(text: string): Promise<void>;
}

export interface Database {
  engine: 'pglite' | 'postgres';
  orm: Orm;
  /** Runs a Drizzle `sql` query and returns its rows, on the given executor (a transaction) or the pool. */
  rows<Row = Record<string, unknown>>(query: SQL, executor?: Executor): Promise<Row[]>;
  /** A short transaction; PGlite serialises everything while one is open. */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>;
  /** Runs work on one dedicated connection. */
  session<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** LISTEN on a channel; returns the function that stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball (test templates). */
  dump?(): Promise<Blob>;
}

export interface DatabaseOptions {
  /** PostgreSQL connection string; unset → PGlite. */
  databaseUrl?: string;
  /** Where PGlite keeps its files; unset → in memory. */
  dataDir?: string;
  /** A PGlite data-directory dump to start from (test templates). */
  loadDataDir?: Blob;
  poolSize?: number;
}

const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl
    ? createPostgresDatabase(options.databaseUrl, options.poolSize ?? 10)
    : createPgliteDatabase(options);
}

async function createPgliteDatabase(options: DatabaseOptions): Promise<Database> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    dataDir = join(options.dataDir, 'pglite');
  }
  const client = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  const orm = drizzlePglite({ client }) as unknown as Orm;
  // PGlite is one connection: the session is the client itself, serialised by PGlite's own queue.
  const session: SqlSession = {
    query: async <Row>(text: string, params?: unknown[]) => (await client.query<Row>(text, params)).rows,
    exec: async (text: string) => {
      await client.exec(text);
    },
  };
  return {
    engine: 'pglite',
    orm,
    rows: async <Row>(query: SQL, executor?: Executor) =>
      ((await (executor ?? orm).execute(query)) as unknown as { rows: Row[] }).rows,
    transaction: (work) => orm.transaction((tx) => work(tx as unknown as Executor)),
    session: (work) => work(session),
    listen: async (channel, onNotify) => {
      const stop = await client.listen(channel, onNotify);
      return async () => stop();
    },
    close: async () => {
      if (!client.closed) await client.close();
    },
    dump: async () => client.dumpDataDir('none'),
  };
}

async function createPostgresDatabase(databaseUrl: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client that errors (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const orm = drizzleNodePostgres({ client: pool }) as unknown as Orm;
  const listeners = new Set<pg.Client>();
  return {
    engine: 'postgres',
    orm,
    rows: async <Row>(query: SQL, executor?: Executor) =>
      ((await (executor ?? orm).execute(query)) as unknown as { rows: Row[] }).rows,
    transaction: (work) => orm.transaction((tx) => work(tx as unknown as Executor)),
    session: async (work) => {
      const client = await pool.connect();
      try {
        return await work({
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
          exec: async (text: string) => {
            await client.query(text);
          },
        });
      } finally {
        client.release();
      }
    },
    // A LISTEN holds its connection for the life of the process: a dedicated client, so the pool keeps all of its
    // connections for queries (three listeners in a pool of five left two, and busy jobs starved the routes).
    listen: async (channel, onNotify) => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      listeners.add(client);
      // A dropped LISTEN connection must not crash the process; the poll fallback keeps work moving meanwhile.
      client.on('error', () => listeners.delete(client));
      const handler = (message: pg.Notification) => {
        if (message.channel === channel) onNotify(message.payload ?? '');
      };
      client.on('notification', handler);
      await client.query(`LISTEN ${quoteIdentifier(channel)}`);
      return async () => {
        if (!listeners.delete(client)) return;
        client.off('notification', handler);
        await client.end().catch(() => {});
      };
    },
    close: async () => {
      await Promise.all([...listeners].map((client) => client.end().catch(() => {})));
      listeners.clear();
      await pool.end();
    },
  };
}
