import type { ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { isCi } from './shared-data.ts';

/**
 * Whether an OS tool a test tier needs is missing: undefined when present; otherwise prints the loud `SKIP …` notice and
 * returns it, or throws when `CI=true` (a silently skipped tier proves nothing; CI installs every tier's packages).
 */
export function tierSkipReason(present: boolean, notice: string): string | undefined {
  if (present) return undefined;
  if (isCi()) throw new Error(notice.replace(/^SKIP /, 'missing '));
  console.warn(notice);
  return notice;
}

/** For a single test: starts the tier's server, stopped after the test, or skips the test when the tier is missing. */
export async function serverForTest<T extends { stop(): Promise<void> }>(
  t: TestContext,
  skipReason: string | undefined,
  start: () => Promise<T>,
): Promise<T | undefined> {
  if (skipReason) {
    t.skip(skipReason);
    return undefined;
  }
  const server = await start();
  t.after(() => server.stop());
  return server;
}

const STOP_GRACE_MS = 5_000;

/**
 * Owns a tier's server process and its temp folder: a test process that dies without calling `stop()` kills it, and
 * `stop()` (idempotent) sends SIGTERM, SIGKILL after 5 s, then removes the folder.
 */
export function ownServerProcess(child: ChildProcess, dir: string): () => Promise<void> {
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let stopped: Promise<void> | undefined;
  return () => {
    stopped ??= (async () => {
      process.removeListener('exit', killOnExit);
      await terminate(child);
      await rm(dir, { recursive: true, force: true });
    })();
    return stopped;
  };
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
