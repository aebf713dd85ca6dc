import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { freePort } from './free-port.ts';
import { isCi } from './shared-data.ts';

export const POSTGRES_MISSING =
  'PostgreSQL 15 tier: install the Debian package postgresql (initdb and postgres binaries not found)';

export interface PostgresServer {
  /** Connection string of the maintenance database `postgres`. */
  url: string;
  port: number;
  /** Creates an empty database and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The newest PostgreSQL server binaries on the machine (Debian keeps them in /usr/lib/postgresql/<major>/bin). */
export function findPostgresBin(): string | undefined {
  if (process.env.POSTGRES_BIN_DIR && existsSync(join(process.env.POSTGRES_BIN_DIR, 'postgres')))
    return process.env.POSTGRES_BIN_DIR;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const majors = readdirSync(root)
    .filter((entry) => existsSync(join(root, entry, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(root, majors[0], 'bin') : undefined;
}

/**
 * A throwaway PostgreSQL cluster on a random loopback port: initdb into a temp folder, `fsync=off` (tests need no
 * durability), trust auth on loopback only. As root, PostgreSQL refuses to run, so the cluster runs as `postgres`.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'platform-pg-'));
  const dataDir = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const run = (command: string, args: string[]) =>
    (asRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args]) as [string, string[]];
  if (asRoot) {
    const ids = execFileSync('id', ['-u', 'postgres']).toString().trim();
    const gid = execFileSync('id', ['-g', 'postgres']).toString().trim();
    chownSync(dir, Number(ids), Number(gid));
  }
  const [initCommand, initArgs] = run(join(bin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  execFileSync(initCommand, initArgs, { stdio: 'pipe' });
  const port = await freePort();
  const [command, args] = run(join(bin, 'postgres'), [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    '-c',
    'full_page_writes=off',
    '-c',
    'max_connections=200',
  ]);
  // Its own process group: runuser does not forward signals, so stop() signals the whole group (runuser + postgres).
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  let log = '';
  child.stderr?.on('data', (chunk) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
      break;
    } catch (error) {
      if (child.exitCode !== null || Date.now() > deadline) {
        signalGroup('SIGKILL');
        throw new Error(`PostgreSQL did not start: ${(error as Error).message}\n${log}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const killOnExit = () => signalGroup('SIGKILL');
  process.once('exit', killOnExit);
  let counter = 0;
  return {
    url,
    port,
    async createDatabase(name = `test_${process.pid}_${++counter}`) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`create database "${name}"`);
      await client.end();
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // SIGINT is PostgreSQL's fast shutdown; with fsync=off there is nothing worth waiting for beyond that.
        signalGroup('SIGINT');
        const timer = setTimeout(() => signalGroup('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      child.stderr?.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why the PostgreSQL tier cannot run here (undefined when it can); in CI a missing server is an error. */
export function postgresTierSkipReason(): string | undefined {
  if (findPostgresBin()) return undefined;
  if (isCi()) throw new Error(POSTGRES_MISSING);
  console.warn(`SKIP ${POSTGRES_MISSING}`);
  return POSTGRES_MISSING;
}

/** Starts a cluster for one test and stops it afterwards; undefined (test skipped) when unavailable outside CI. */
export async function postgresTier(t: TestContext): Promise<PostgresServer | undefined> {
  const reason = postgresTierSkipReason();
  if (reason) {
    t.skip(reason);
    return undefined;
  }
  const server = await startPostgres();
  t.after(() => server.stop());
  return server;
}
