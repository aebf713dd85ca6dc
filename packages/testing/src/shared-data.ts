import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';

/** Repository root: three levels above this file (packages/testing/src). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Where the real-world fixtures live: `SHARED_DATA_DIR`, else `../shared/data` beside the repository. */
export function sharedDataDir(): string {
  return process.env.SHARED_DATA_DIR ?? resolve(repoRoot, '../shared/data');
}

export const isCi = (): boolean => process.env.CI === 'true' || process.env.CI === '1';

/**
 * Resolves a fixture path, or skips the test loudly when the fixtures are absent outside CI.
 * In CI a missing fixture is a failure, because a silently skipped suite proves nothing.
 * Returns undefined when the test was skipped; callers return early.
 */
export function sharedData(t: TestContext, ...segments: string[]): string | undefined {
  const path = join(sharedDataDir(), ...segments);
  if (existsSync(path)) return path;
  const message = `shared fixture missing: ${path} (set SHARED_DATA_DIR or check out ../shared beside the repository)`;
  if (isCi()) throw new Error(message);
  console.warn(`SKIP ${message}`);
  t.skip(message);
  return undefined;
}
