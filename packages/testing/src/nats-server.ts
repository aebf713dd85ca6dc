/**
 * Starts a throw-away `nats-server -js` for the NATS test tier (spec 00-platform "Tests and CI": tiers that need a
 * real service run when it is installed and are required when `CI=true`). The server binds 127.0.0.1 on a port it
 * picks itself (`-p -1`, so no other process can grab the port between choosing and binding) and keeps JetStream
 * data in a temporary directory removed on stop.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { ownServerProcess, serverForTest, tierSkipReason } from './test-tier.ts';

export interface NatsServer {
  /** Client URL, e.g. `nats://127.0.0.1:40123`. */
  url: string;
  /** HTTP monitoring endpoint (`/varz`, `/jsz`), e.g. `http://127.0.0.1:40124`. */
  monitorUrl: string;
  /** Temporary directory given to `-sd`; JetStream keeps its files below it. */
  storeDir: string;
  stop(): Promise<void>;
}

export const NATS_SERVER_MISSING = 'SKIP nats tier: install the Debian package nats-server';

const START_TIMEOUT_MS = 15_000;

/** Finds the nats-server binary: `NATS_SERVER_BIN`, then PATH, then the Debian location (/usr/sbin is often off PATH). */
export function findNatsServer(): string | undefined {
  const candidates = [
    process.env.NATS_SERVER_BIN,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => dir && join(dir, 'nats-server')),
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; try the next location
    }
  }
  return undefined;
}

/**
 * For suites gated as a whole (`describe(name, { skip: natsTierSkipReason() }, …)`): undefined when nats-server is
 * installed; otherwise prints a loud skip notice and returns the reason, or throws when `CI=true`.
 */
export function natsTierSkipReason(locate: () => string | undefined = findNatsServer): string | undefined {
  return tierSkipReason(Boolean(locate()), NATS_SERVER_MISSING);
}

/**
 * For a single test: starts a server stopped after the test, or skips the test (fails it in CI) when nats-server is
 * not installed. Returns undefined when skipped; callers return early.
 */
export function natsTier(t: TestContext): Promise<NatsServer | undefined> {
  return serverForTest(t, natsTierSkipReason(), startNatsServer);
}

const LISTEN_LINE = /Listening for client connections on ([\d.]+):(\d+)/;
const MONITOR_LINE = /Starting http monitor on ([\d.]+):(\d+)/;
const READY_LINE = /Server is ready/;

export async function startNatsServer(): Promise<NatsServer> {
  const binary = findNatsServer();
  if (!binary) throw new Error(NATS_SERVER_MISSING.replace(/^SKIP /, 'missing '));
  const storeDir = await mkdtemp(join(tmpdir(), 'nats-test-'));
  const child = spawn(binary, ['-a', '127.0.0.1', '-p', '-1', '-m', '-1', '-js', '-sd', storeDir], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stop = ownServerProcess(child, storeDir);

  try {
    const { host, port, monitorPort } = await waitForReady(child);
    await waitForTcp(host, port);
    return {
      url: `nats://${host}:${port}`,
      monitorUrl: `http://${host}:${monitorPort}`,
      storeDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Reads the server log until it reports its ports and readiness (the ports are only known from the log). */
function waitForReady(child: ChildProcess): Promise<{ host: string; port: number; monitorPort: number }> {
  return new Promise((resolve, reject) => {
    let log = '';
    let host = '';
    let port = 0;
    let monitorPort = 0;
    const timer = setTimeout(
      () => fail(`nats-server did not become ready in ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stderr?.removeListener('data', onData);
      child.removeListener('exit', onExit);
      child.removeListener('error', onError);
      // Keep draining the pipe so a chatty server never blocks on a full stderr buffer.
      child.stderr?.resume();
    };
    const fail = (reason: string): void => {
      cleanup();
      reject(new Error(`${reason}\n${log}`));
    };
    const onData = (chunk: Buffer): void => {
      log += chunk.toString('utf8');
      const listen = LISTEN_LINE.exec(log);
      if (listen) [host, port] = [listen[1], Number(listen[2])];
      const monitor = MONITOR_LINE.exec(log);
      if (monitor) monitorPort = Number(monitor[2]);
      if (port && monitorPort && READY_LINE.test(log)) {
        cleanup();
        resolve({ host, port, monitorPort });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`nats-server exited before it was ready (code ${code}, signal ${signal})`);
    const onError = (error: Error): void => fail(`nats-server failed to start: ${error.message}`);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Confirms the client port accepts connections, not just that the log says so. */
function waitForTcp(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}

/** SIGTERM (graceful, flushes JetStream), then SIGKILL if it lingers. */
