/**
 * One command on one device as an `actions` row (spec "Orchestrator" mode table): `dry_run` stores the rendered
 * command and never calls the executor; `execute` goes `queued → running → succeeded|failed|timed_out`, at most
 * `OPMAS_EXEC_CONCURRENCY` at once and one per device; connection errors are retried, command failures are not.
 * Every action is audited with its rendered command (never its output at info level).
 */
import type { AuditContext } from '@platform/kernel/audit/audit.service.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq } from 'drizzle-orm';
import type { RenderedCommand } from '../executor/command-template.ts';
import { type Executor, ExecutorError } from '../executor/executor.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import type { DeviceRow, ExecutionMode } from '../opmas.schema.ts';
import { sshTargetOf } from './device-target.ts';
import { type ActionRow, type ActionStatus, actions } from './orchestrator.tables.ts';

export interface ActionRequest {
  device: DeviceRow;
  templateId: string;
  params: Record<string, unknown>;
  rendered?: RenderedCommand;
  mode: ExecutionMode;
  executionId?: string | null;
  stepId?: string | null;
  findingId?: string | null;
  requiresApproval?: boolean;
  reason?: string | null;
  /** A refused parameter: the action is stored as `rejected` with this error. */
  rejected?: { code: string; message: string };
}

/** Actions started by the orchestrator itself are recorded as the system's (manual ones carry the request's). */
const SYSTEM: AuditContext = {};

/** Simple counting semaphore plus one lock per device. */
class Slots {
  readonly #max: number;
  #active = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #devices = new Map<string, Promise<void>>();

  constructor(max: number) {
    this.#max = max;
  }

  async run<T>(device: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#devices.get(device) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.#devices.set(
      device,
      previous.then(() => mine),
    );
    await previous;
    if (this.#active >= this.#max) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#active++;
    try {
      return await work();
    } finally {
      this.#active--;
      this.#waiters.shift()?.();
      release();
      if (this.#devices.get(device) === mine) this.#devices.delete(device);
    }
  }
}

export class ActionRunner {
  readonly #kernel: Kernel;
  readonly #executor: Executor;
  readonly #retries: number;
  readonly #slots: Slots;

  constructor(kernel: Kernel, executor: Executor, options: { concurrency: number; retries: number }) {
    this.#kernel = kernel;
    this.#executor = executor;
    this.#retries = options.retries;
    this.#slots = new Slots(options.concurrency);
  }

  /** Stores the action and, in execute mode without approval gate, runs it; returns the final row. */
  async perform(request: ActionRequest, signal?: AbortSignal): Promise<ActionRow> {
    const row = await this.store(request);
    if (row.status !== 'queued' || !request.rendered) return row;
    return this.execute(row, request.device, request.rendered, signal);
  }

  /** Stores the action in its first status (`rejected`, `dry_run`, `pending_approval` or `queued`) and audits it. */
  async store(request: ActionRequest): Promise<ActionRow> {
    const status: ActionStatus = request.rejected
      ? 'rejected'
      : request.mode === 'dry_run'
        ? 'dry_run'
        : request.requiresApproval
          ? 'pending_approval'
          : 'queued';
    const [row] = await this.#kernel.db.orm
      .insert(actions)
      .values({
        executionId: request.executionId ?? null,
        stepId: request.stepId ?? null,
        findingId: request.findingId ?? null,
        deviceId: request.device.id,
        device: request.device.slug,
        templateId: request.templateId,
        params: request.rendered?.params ?? request.params,
        renderedCommand: request.rendered?.command ?? null,
        mode: request.mode,
        status,
        requiresApproval: request.requiresApproval ?? false,
        maxAttempts: this.#retries + 1,
        errorCode: request.rejected?.code ?? null,
        errorMessage: request.rejected?.message ?? null,
        reason: request.reason ?? null,
      })
      .returning();
    await this.#audit(row, `opmas.action.${status}`);
    return row;
  }

  /** Runs a queued (or approved) action on its device and records the outcome. */
  async execute(
    row: ActionRow,
    device: DeviceRow,
    rendered: RenderedCommand,
    signal?: AbortSignal,
  ): Promise<ActionRow> {
    return this.#slots.run(device.id, async () => {
      const orm = this.#kernel.db.orm;
      const target = await sshTargetOf(orm, this.#kernel.secrets, device);
      let attempts = 0;
      let update: Partial<ActionRow>;
      const started = new Date();
      await orm.update(actions).set({ status: 'running', startedAt: started }).where(eq(actions.id, row.id));
      for (;;) {
        attempts++;
        try {
          const result = await this.#executor.run({ target, command: rendered, signal });
          update = {
            status: result.outcome === 'timed_out' ? 'timed_out' : result.exitCode === 0 ? 'succeeded' : 'failed',
            exitCode: result.exitCode,
            stdout: result.stdout,
            stderr: result.stderr,
            truncated: result.truncated,
            durationMs: Math.round(result.durationMs),
          };
          break;
        } catch (error) {
          const retryable = error instanceof ExecutorError && error.retryable && attempts <= this.#retries;
          if (retryable && !signal?.aborted) continue;
          update = {
            status: 'failed',
            errorCode: error instanceof ExecutorError ? error.code : 'executor_error',
            errorMessage: (error as Error).message,
          };
          break;
        }
      }
      const [done] = await orm
        .update(actions)
        .set({ ...update, attempts, completedAt: new Date() })
        .where(eq(actions.id, row.id))
        .returning();
      await this.#audit(done, `opmas.action.${done.status}`);
      return done;
    });
  }

  async #audit(row: ActionRow, action: string): Promise<void> {
    if (row.status !== 'queued' && row.status !== 'running') {
      opmasMetricsOf(this.#kernel).actions.inc({ type: row.templateId, status: row.status });
    }
    await this.#kernel.audit.record(SYSTEM, {
      action,
      targetType: 'opmas.action',
      targetId: row.id,
      after: {
        device: row.device,
        template_id: row.templateId,
        rendered_command: row.renderedCommand,
        mode: row.mode,
        status: row.status,
        exit_code: row.exitCode,
        error_code: row.errorCode,
      },
    });
  }
}
