/**
 * Runs rendered commands over SSH with `ssh2` (spec 02-opmas "SSH executor"): host key pinned by SHA-256 and checked
 * during key exchange, before any credential is sent; key or password auth; connect timeout; per-template command
 * timeout that kills the remote command; stdout/stderr each capped.
 *
 * One connection per call: actions are rare and bursty, OpenWrt's dropbear handshake is cheap, and a fresh connection
 * never carries a stale session or a credential past its job.
 *
 * Killing a remote command: the SSH `signal` request is ignored by dropbear and refused by OpenSSH for root sessions
 * ("session signalling requires privilege separation"), and closing a pty-less channel leaves the command running. So
 * the command is sent behind a watcher that waits for EOF on the session's stdin and then kills the session's process
 * group (sshd and dropbear start each session with setsid). Templates never read stdin, so EOF only comes when we end
 * the channel or the connection drops. The audited `rendered_command` stays the template's command.
 */
import { createHash } from 'node:crypto';
import ssh2, { type ClientChannel, type ConnectConfig } from 'ssh2';
import { type ExecRequest, type ExecResult, type Executor, ExecutorError, type SshTarget } from './executor.ts';

export interface SshExecutorOptions {
  /** TCP connect + handshake + auth (`OPMAS_SSH_CONNECT_TIMEOUT_S`, default 10 s). */
  connectTimeoutMs?: number;
  /** Cap for stdout and for stderr each (`OPMAS_EXEC_OUTPUT_MAX_BYTES`, default 64 KiB). */
  outputMaxBytes?: number;
  /** Accept an unpinned host key and report it in the result (`OPMAS_SSH_TOFU`, default false). */
  trustOnFirstUse?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_OUTPUT_MAX_BYTES = 64 * 1024;

/** Backgrounded watcher, run before the command; `<&0` keeps the real stdin (POSIX gives async lists /dev/null). */
export const KILL_ON_STDIN_EOF = '{ cat >/dev/null; kill -KILL 0; } <&0 >/dev/null 2>&1 & ';

/** `SHA256:` + unpadded base64 of the key blob's SHA-256, the form `ssh-keygen -l` prints. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Accepts a pin with or without the `SHA256:` prefix and base64 padding. */
export function normalizeFingerprint(pin: string): string {
  return `SHA256:${pin
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '')}`;
}

export class SshExecutor implements Executor {
  readonly #connectTimeoutMs: number;
  readonly #outputMaxBytes: number;
  readonly #trustOnFirstUse: boolean;

  constructor(options: SshExecutorOptions = {}) {
    this.#connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.#outputMaxBytes = options.outputMaxBytes ?? DEFAULT_OUTPUT_MAX_BYTES;
    this.#trustOnFirstUse = options.trustOnFirstUse ?? false;
  }

  run({ target, command, signal }: ExecRequest): Promise<ExecResult> {
    if (signal?.aborted) return Promise.reject(new ExecutorError('aborted', 'aborted before connecting'));
    const started = performance.now();
    const client = new ssh2.Client();
    const stdout = new CappedOutput(this.#outputMaxBytes);
    const stderr = new CappedOutput(this.#outputMaxBytes);
    let hostKeyError: ExecutorError | undefined;
    let presentedKey: string | undefined;
    let channel: ClientChannel | undefined;
    let exitCode: number | null = null;
    let exitSignal: string | null = null;
    let commandTimer: NodeJS.Timeout | undefined;

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: 'exited' | 'timed_out' | ExecutorError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(commandTimer);
        signal?.removeEventListener('abort', onAbort);
        client.end();
        if (outcome instanceof ExecutorError) {
          reject(outcome);
          return;
        }
        resolve({
          outcome,
          exitCode: outcome === 'exited' ? exitCode : null,
          exitSignal,
          stdout: stdout.text(),
          stderr: stderr.text(),
          truncated: stdout.truncated || stderr.truncated,
          durationMs: Math.round(performance.now() - started),
          hostKeySha256: presentedKey,
        });
      };
      // EOF on the channel's stdin fires the remote watcher; ending the connection does too if the EOF is lost.
      const kill = (): void => {
        channel?.end();
      };
      const onAbort = (): void => {
        kill();
        finish(new ExecutorError('aborted', 'aborted by the caller'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      client.on('ready', () => {
        client.exec(KILL_ON_STDIN_EOF + command.command, (error, opened) => {
          if (error) {
            finish(new ExecutorError('connection_lost', `exec refused: ${error.message}`, { cause: error }));
            return;
          }
          channel = opened;
          commandTimer = setTimeout(() => {
            kill();
            finish('timed_out');
          }, command.timeoutMs);
          opened.on('data', (chunk: Buffer) => stdout.push(chunk));
          opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
          opened.on('exit', (code: number | null, signalName?: string) => {
            exitCode = typeof code === 'number' ? code : null;
            exitSignal = signalName ?? null;
          });
          opened.on('close', () => finish('exited'));
        });
      });
      client.on('error', (error: Error & { level?: string }) => finish(hostKeyError ?? classify(error)));
      client.on('close', () =>
        finish(
          new ExecutorError('connection_lost', 'connection closed before the command finished', {
            retryable: !channel,
          }),
        ),
      );

      const config: ConnectConfig = {
        host: target.host,
        port: target.port,
        username: target.username,
        readyTimeout: this.#connectTimeoutMs,
        hostVerifier: (key: Buffer): boolean => {
          presentedKey = hostKeyFingerprint(key);
          hostKeyError = this.#checkHostKey(target, presentedKey);
          return hostKeyError === undefined;
        },
        ...credentials(target),
      };
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 throws synchronously on an unparsable private key or a bad passphrase.
        finish(new ExecutorError('auth_failed', `unusable credentials: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  /** Undefined when the presented key may be used; otherwise the refusal (spec: pinned by SHA-256, TOFU opt-in). */
  #checkHostKey(target: SshTarget, presented: string): ExecutorError | undefined {
    if (target.hostKeySha256 === undefined) {
      if (this.#trustOnFirstUse) return undefined;
      return new ExecutorError('host_key_unknown', `no pinned host key for ${target.host}; it presented ${presented}`);
    }
    if (normalizeFingerprint(target.hostKeySha256) === presented) return undefined;
    return new ExecutorError('host_key_mismatch', `host key of ${target.host} is ${presented}, not the pinned key`);
  }
}

function credentials(target: SshTarget): Pick<ConnectConfig, 'privateKey' | 'passphrase' | 'password'> {
  if (target.privateKey !== undefined) return { privateKey: target.privateKey, passphrase: target.passphrase };
  return { password: target.password };
}

/** Maps ssh2's error levels to executor codes; only transport problems are worth a retry. */
function classify(error: Error & { level?: string }): ExecutorError {
  if (error.level === 'client-timeout')
    return new ExecutorError('connect_timeout', error.message, { retryable: true, cause: error });
  if (error.level === 'client-authentication')
    return new ExecutorError('auth_failed', error.message, { retryable: false, cause: error });
  return new ExecutorError('connect_failed', error.message, { retryable: true, cause: error });
}

/** Keeps the first `max` bytes of a stream and keeps counting, so the remote side never blocks on a full window. */
class CappedOutput {
  readonly #max: number;
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  truncated = false;

  constructor(max: number) {
    this.#max = max;
  }

  push(chunk: Buffer): void {
    const room = this.#max - this.#kept;
    if (chunk.length > room) this.truncated = true;
    if (room <= 0) return;
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.#chunks.push(kept);
    this.#kept += kept.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks).toString('utf8');
  }
}
