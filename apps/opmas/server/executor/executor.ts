/**
 * The executor contract (spec 02-opmas "Orchestrator" mode table and "SSH executor"): run one rendered, allowlisted
 * command on one device. `SshExecutor` (ssh-executor.ts) does it for real; `DryRunExecutor` only records.
 */
import type { RenderedCommand } from './command-template.ts';

export interface SshTarget {
  host: string;
  port: number;
  username: string;
  /** Pinned host key, `SHA256:<base64>` as `ssh-keygen -l` prints it (the prefix and `=` padding are optional). */
  hostKeySha256?: string;
  /** OpenSSH or PEM private key (ed25519 or RSA); decrypted by the caller only for the job's lifetime. */
  privateKey?: string;
  passphrase?: string;
  password?: string;
}

export interface ExecRequest {
  target: SshTarget;
  command: RenderedCommand;
  signal?: AbortSignal;
}

/** `exited`: the command finished (any exit code); `timed_out`: killed at its template timeout; `dry_run`: not run. */
export type ExecOutcome = 'exited' | 'timed_out' | 'dry_run';

export interface ExecResult {
  outcome: ExecOutcome;
  /** Remote exit status; null when the command was killed or never ran. */
  exitCode: number | null;
  /** Signal that ended the remote command (e.g. `KILL`), if any. */
  exitSignal: string | null;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr hit the output cap (`OPMAS_EXEC_OUTPUT_MAX_BYTES`) and the rest was dropped. */
  truncated: boolean;
  durationMs: number;
  /** Fingerprint of the key the device presented (recorded on trust-on-first-use). */
  hostKeySha256?: string;
}

export type ExecutorErrorCode =
  | 'host_key_mismatch'
  | 'host_key_unknown'
  | 'auth_failed'
  | 'connect_timeout'
  | 'connect_failed'
  | 'connection_lost'
  | 'aborted';

/** Failures before or around the command. `retryable` marks connection errors, the only ones the spec retries. */
export class ExecutorError extends Error {
  readonly code: ExecutorErrorCode;
  readonly retryable: boolean;

  constructor(code: ExecutorErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ExecutorError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export interface Executor {
  /** Runs the command; resolves with its outcome or rejects with an `ExecutorError`. */
  run(request: ExecRequest): Promise<ExecResult>;
}

export interface RecordedCommand {
  host: string;
  port: number;
  username: string;
  templateId: string;
  command: string;
}

/** Records what would run (never credentials) and touches no device: the `dry_run` mode's executor. */
export class DryRunExecutor implements Executor {
  readonly recorded: RecordedCommand[] = [];

  async run({ target, command, signal }: ExecRequest): Promise<ExecResult> {
    if (signal?.aborted) throw new ExecutorError('aborted', 'aborted before the dry run');
    this.recorded.push({
      host: target.host,
      port: target.port,
      username: target.username,
      templateId: command.templateId,
      command: command.command,
    });
    return {
      outcome: 'dry_run',
      exitCode: null,
      exitSignal: null,
      stdout: '',
      stderr: '',
      truncated: false,
      durationMs: 0,
    };
  }
}
