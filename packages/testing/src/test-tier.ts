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
