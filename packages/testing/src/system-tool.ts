import { spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { isCi } from './shared-data.ts';

export type SystemTool = {
  /** Commands to try in order (e.g. the PATH `python3`, then Debian's `/usr/bin/python3`). */
  commands: string[];
  /** Arguments of a probe that exits 0 only when the tool can do the job. */
  probe: string[];
  /** Debian packages that provide it (installed by scripts/setup-system.sh). */
  packages: string;
};

/**
 * Finds an OS tool a test tier needs. Outside CI a missing tool skips the test loudly; in CI it fails, because
 * `scripts/setup-system.sh` installs every tier's tools and a silently skipped tier proves nothing.
 */
export function requireSystemTool(t: TestContext, tool: SystemTool): string | undefined {
  for (const command of tool.commands) {
    if (spawnSync(command, tool.probe, { stdio: 'ignore', timeout: 30_000 }).status === 0) return command;
  }
  const message = `${tool.commands[0]} unavailable (Debian packages: ${tool.packages}; run scripts/setup-system.sh)`;
  if (isCi()) throw new Error(`missing ${message}`);
  console.warn(`SKIP ${message}`);
  t.skip(message);
  return undefined;
}

/** Python 3 with NumPy and SciPy, for checking generated NumPy code and TVB scripts. */
export const PYTHON_NUMPY: SystemTool = {
  commands: ['python3', '/usr/bin/python3'],
  probe: ['-c', 'import numpy, scipy.special'],
  packages: 'python3-numpy python3-scipy',
};

/** GNU Fortran, for compiling generated AUTO-07p equation files. */
export const GFORTRAN: SystemTool = { commands: ['gfortran'], probe: ['--version'], packages: 'gfortran' };
