import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_EMBEDDED_BUCKET } from '../../apps/odh-tec/server/embedded/embedded-s3.ts';
import { loadSecretKeys } from '../../packages/kernel/src/crypto/secret-keys.ts';
import { createObjectStorageClient } from '../../packages/kernel/src/storage/object-storage.ts';
import { freePort } from '../../packages/testing/src/free-port.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const STARTUP_TIMEOUT_MS = 120_000;

/** The embedded s3-server inside the app process, as a direct SDK client reaches it. */
export interface EmbeddedStore {
  url: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  client: S3Client;
}

/** One ODH-TEC app child process (spec 01-odh-tec "Performance targets": embedded mode, loopback). */
export interface AppProcess {
  pid: number;
  baseUrl: string;
  store: EmbeddedStore;
  /** Peak RSS in MiB since start or the last `resetPeakRss()` (`/proc/<pid>/status` VmHWM). */
  peakRssMiB(): number;
  /** Current RSS in MiB (VmRSS). */
  rssMiB(): number;
  /** Restarts the VmHWM count at the current RSS; false where the kernel refuses `clear_refs`. */
  resetPeakRss(): boolean;
  stop(): Promise<void>;
}

const statusKiB = (pid: number, field: string): number => {
  const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
};

/**
 * TCP ports the process listens on: its socket inodes matched against `/proc/<pid>/net/tcp{,6}` LISTEN rows. The
 * embedded s3-server binds port 0 and logs its URL only at info level, so this is how the bench finds it at warn.
 */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      const inode = target.match(/^socket:\[(\d+)\]$/)?.[1];
      if (inode) inodes.add(inode);
    } catch {
      // the descriptor closed while listing
    }
  }
  const ports: number[] = [];
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1)) {
      const columns = line.trim().split(/\s+/);
      // columns: sl local_address rem_address st … inode (10th); 0A = LISTEN
      if (columns[3] === '0A' && inodes.has(columns[9])) ports.push(Number.parseInt(columns[1].split(':')[1], 16));
    }
  }
  return ports;
}

/** The embedded store's generated credentials, decrypted with the platform keys the child created in DATA_DIR. */
function embeddedCredentials(dataDir: string): { accessKeyId: string; secretAccessKey: string } {
  const secrets = loadSecretKeys({ dataDir, external: false });
  const token = readFileSync(join(dataDir, 'odh-tec', 's3', 'credentials.fernet'), 'utf8').trim();
  return JSON.parse(secrets.decrypt(token).toString('utf8'));
}

async function findEmbeddedStore(child: ChildProcess, dataDir: string, appPort: number): Promise<EmbeddedStore> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const tried = new Set<number>();
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    for (const port of listeningPorts(child.pid!)) {
      if (port === appPort || tried.has(port)) continue;
      let credentials: { accessKeyId: string; secretAccessKey: string };
      try {
        credentials = embeddedCredentials(dataDir);
      } catch {
        break; // the store has not written its credentials yet
      }
      tried.add(port);
      const url = `http://127.0.0.1:${port}`;
      const client = createObjectStorageClient({ endpoint: url, ...credentials });
      try {
        await client.send(new HeadBucketCommand({ Bucket: DEFAULT_EMBEDDED_BUCKET }));
        return { url, bucket: DEFAULT_EMBEDDED_BUCKET, client, ...credentials };
      } catch {
        client.destroy(); // another listener of the process (not the s3-server)
      }
    }
    await sleep(200);
  }
  throw new Error('the embedded s3-server did not appear');
}

async function waitReady(child: ChildProcess, baseUrl: string, output: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}: ${output().slice(-2000)}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(2000) })).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`/readyz not ready within ${STARTUP_TIMEOUT_MS / 1000} s: ${output().slice(-2000)}`);
}

/** Starts the app (APPS=odh-tec, AUTH_MODE=none, embedded s3) on a free loopback port and waits until it serves. */
export async function startApp(dataDir: string): Promise<AppProcess> {
  const port = await freePort();
  const child = spawn(join(ROOT, 'node_modules/.bin/node'), ['packages/kernel/src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APPS: 'odh-tec',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      AUTH_MODE: 'none',
      ODH_TEC_EMBEDDED_S3: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const forced = setTimeout(() => child.kill('SIGKILL'), 35_000);
      await exited;
      clearTimeout(forced);
    }
  };
  try {
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitReady(child, baseUrl, () => output);
    const store = await findEmbeddedStore(child, dataDir, port);
    const pid = child.pid!;
    return {
      pid,
      baseUrl,
      store,
      peakRssMiB: () => statusKiB(pid, 'VmHWM') / 1024,
      rssMiB: () => statusKiB(pid, 'VmRSS') / 1024,
      resetPeakRss: () => {
        try {
          writeFileSync(`/proc/${pid}/clear_refs`, '5');
          return true;
        } catch {
          return false;
        }
      },
      async stop() {
        store.client.destroy();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
