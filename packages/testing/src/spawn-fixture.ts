import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';

export interface FixtureProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line that starts with the prefix. */
  line(prefix: string, timeoutMs?: number): Promise<string>;
  /** Resolves when the process has exited, with how it ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends SIGKILL and waits for the exit. */
  kill(): Promise<void>;
  /** What the process wrote to stderr so far (for failure messages). */
  stderr(): string;
}

/**
 * Runs a fixture script in a child Node process (the same Node 24 binary as the test). The child is bounded: it is
 * SIGKILLed after `lifetimeMs`, when the test ends, and it exits by itself when its stdin closes (the test process died).
 */
export function spawnFixture(
  t: TestContext,
  script: string,
  options: { args?: string[]; env?: Record<string, string>; lifetimeMs?: number } = {},
): FixtureProcess {
  const child = spawn(process.execPath, [script, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  let errors = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const complete = pending.split('\n');
    pending = complete.pop() ?? '';
    lines.push(...complete);
    for (const waiter of waiters) waiter();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    errors = (errors + chunk).slice(-8000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const waiter of waiters) waiter();
    });
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async () => {
    if (running()) child.kill('SIGKILL');
    await exited;
  };
  const lifetime = setTimeout(() => child.kill('SIGKILL'), options.lifetimeMs ?? 60_000);
  lifetime.unref();
  t.after(async () => {
    clearTimeout(lifetime);
    await kill();
  });

  return {
    child,
    exited,
    kill,
    stderr: () => errors,
    line: (prefix, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => line.startsWith(prefix));
          if (found !== undefined) finish(() => resolve(found));
          else if (!running()) finish(() => reject(new Error(`fixture exited before "${prefix}":\n${errors}`)));
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no "${prefix}" from fixture in ${timeoutMs} ms:\n${errors}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      }),
  };
}
