// Real S3 clients from the OS packages. Outside CI a missing tool skips its test loudly; with CI=true it fails and
// names the Debian package that scripts/setup-system.sh installs.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { isCi } from '@platform/testing/shared-data.ts';
import { pseudoRandomBytes } from './harness.ts';

export interface CommandResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command asynchronously: the server under test lives in this process, so a synchronous spawn would deadlock.
 */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

/**
 * Finds a working executable among `candidates` (absolute paths first, so a pyenv shim cannot shadow the system
 * awscli), or skips/fails the test.
 */
export async function requireTool(
  t: TestContext,
  candidates: string[],
  versionArgs: string[],
  debianPackage: string,
): Promise<string | undefined> {
  const pathDirs = (process.env.PATH ?? '').split(':').filter(Boolean);
  const paths = candidates.flatMap((name) => (name.startsWith('/') ? [name] : pathDirs.map((dir) => join(dir, name))));
  for (const path of paths.filter((candidate) => existsSync(candidate))) {
    try {
      await run(path, versionArgs, process.env);
      return path;
    } catch {
      // A broken shim or wrapper: try the next candidate.
    }
  }
  const message = `${candidates.at(-1)} is not installed or does not run (Debian package: ${debianPackage})`;
  if (isCi()) throw new Error(message);
  console.warn(`SKIP ${message}`);
  t.skip(message);
  return undefined;
}

/** A scratch directory removed after the test. */
export async function scratchDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's3-client-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a deterministic file of `size` bytes and returns its content. */
export async function writeRandomFile(path: string, size: number, seed: number): Promise<Buffer> {
  const data = pseudoRandomBytes(size, seed);
  await writeFile(path, data);
  return data;
}
