/**
 * Runs one playbook execution (spec "Findings and orchestrator", "Step kinds"): all steps in order; a failed step
 * stops the rest unless `continue_on_error` (later ones `skipped`); a command repeated for the same device and
 * rendered command inside `cooldown_s` is `suppressed`. `observe` only records what would run, `dry_run` stores
 * actions and simulated decisions without calling the executor, `execute` runs them.
 */
import type { Kernel } from '@platform/kernel/kernel.ts';
import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import { type CommandAllowlist, type RenderedCommand, TemplateError } from '../executor/command-template.ts';
import { parseIp } from '../executor/param-types.ts';
import { findings } from '../findings/finding.tables.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { type DeviceRow, devices } from '../opmas.schema.ts';
import { parseDuration } from '../rules/rule-document.ts';
import type { ActionRunner } from './action-runner.ts';
import type { DecisionService } from './decision.service.ts';
import {
  actions,
  type ExecutionRow,
  type PlaybookStepRow,
  playbookExecutions,
  playbooks,
  type StepResult,
} from './orchestrator.tables.ts';
import { orchestratorConfigOf } from './orchestrator-config-cache.ts';
import { resolveParams, resolveValue, StepParamError, type StepScope } from './step-params.ts';

const FAILED = new Set(['failed', 'timed_out', 'rejected']);

export interface RunnerParts {
  kernel: Kernel;
  allowlist: CommandAllowlist;
  actionRunner: ActionRunner;
  decisions: DecisionService;
}

export class PlaybookRunner {
  readonly #parts: RunnerParts;

  constructor(parts: RunnerParts) {
    this.#parts = parts;
  }

  /** Runs a queued execution to its end; an execution already started or finished is left alone. */
  async run(executionId: string, signal?: AbortSignal): Promise<ExecutionRow | undefined> {
    const orm = this.#parts.kernel.db.orm;
    const [execution] = await orm
      .update(playbookExecutions)
      .set({ status: 'running', startedAt: new Date() })
      .where(and(eq(playbookExecutions.id, executionId), eq(playbookExecutions.status, 'queued')))
      .returning();
    if (!execution) return undefined;
    const steps = (await orchestratorConfigOf(this.#parts.kernel).snapshot()).steps.get(execution.playbookId) ?? [];
    const [device] = execution.deviceId
      ? await orm.select().from(devices).where(eq(devices.id, execution.deviceId))
      : [];
    const [finding] = execution.findingId
      ? await orm.select().from(findings).where(eq(findings.id, execution.findingId))
      : [];
    const scope: StepScope = {
      finding: finding && { ...finding, fields: finding.fields, labels: finding.labels, device: device ?? {} },
      device: device ?? {},
      params: execution.params,
    };
    const results: StepResult[] = [];
    let stopped = false;
    for (const [index, step] of steps.entries()) {
      const base = { step: index + 1, name: step.name, kind: step.kind };
      if (stopped || signal?.aborted) {
        results.push({ ...base, status: signal?.aborted ? 'cancelled' : 'skipped' });
        continue;
      }
      const result = device
        ? await this.#step(execution, step, device, scope, signal)
        : { status: 'failed', error_code: 'device_unknown', error_message: 'the execution has no device' };
      results.push({ ...base, ...result });
      if (FAILED.has(result.status) && !step.continueOnError) stopped = true;
    }
    const failed = results.some((result) => FAILED.has(result.status));
    const status = signal?.aborted
      ? 'cancelled'
      : execution.mode === 'observe'
        ? 'observed'
        : failed && stopped
          ? 'failed'
          : 'succeeded';
    const [done] = await orm
      .update(playbookExecutions)
      .set({ status, results, completedAt: new Date() })
      .where(eq(playbookExecutions.id, execution.id))
      .returning();
    await orm
      .update(playbooks)
      .set({ lastExecuted: new Date(), executionCount: sql`${playbooks.executionCount} + 1` })
      .where(eq(playbooks.id, execution.playbookId));
    opmasMetricsOf(this.#parts.kernel).executions.inc({ playbook: execution.playbookId, mode: execution.mode, status });
    return done;
  }

  async #step(
    execution: ExecutionRow,
    step: PlaybookStepRow,
    device: DeviceRow,
    scope: StepScope,
    signal?: AbortSignal,
  ): Promise<Omit<StepResult, 'step' | 'name' | 'kind'>> {
    if (step.kind === 'command' && step.templateId) {
      return this.#command(execution, step, device, step.templateId, step.params, scope, signal);
    }
    if (step.kind === 'decision' && step.decision) return this.#decision(execution, step, device, scope, signal);
    // Notify steps need a configured webhook, which this installation does not have.
    return { status: 'skipped', error_code: 'not_configured' };
  }

  async #command(
    execution: ExecutionRow,
    step: PlaybookStepRow,
    device: DeviceRow,
    templateId: string,
    rawParams: Record<string, string | number>,
    scope: StepScope,
    signal?: AbortSignal,
  ): Promise<Omit<StepResult, 'step' | 'name' | 'kind'>> {
    let rendered: RenderedCommand | undefined;
    let rejected: { code: string; message: string } | undefined;
    try {
      rendered = this.#parts.allowlist.render(templateId, resolveParams(rawParams, scope));
    } catch (error) {
      if (error instanceof StepParamError) rejected = { code: 'param_missing', message: error.message };
      else if (error instanceof TemplateError) rejected = { code: error.code, message: error.message };
      else throw error;
    }
    if (execution.mode === 'observe') {
      return rejected
        ? { status: 'rejected', error_code: rejected.code, error_message: rejected.message }
        : { status: 'observed', command: rendered?.command };
    }
    if (rendered && (await this.#inCooldown(device, rendered, step.cooldownS))) {
      return { status: 'suppressed', command: rendered.command };
    }
    const action = await this.#parts.actionRunner.perform(
      {
        device,
        templateId,
        params: rawParams,
        rendered,
        mode: execution.mode,
        executionId: execution.id,
        stepId: step.id,
        findingId: execution.findingId,
        requiresApproval: step.requiresApproval,
        rejected,
      },
      signal,
    );
    return {
      status: action.status,
      action_id: action.id,
      command: action.renderedCommand ?? undefined,
      error_code: action.errorCode ?? undefined,
      error_message: action.errorMessage ?? undefined,
    };
  }

  async #decision(
    execution: ExecutionRow,
    step: PlaybookStepRow,
    device: DeviceRow,
    scope: StepScope,
    signal?: AbortSignal,
  ): Promise<Omit<StepResult, 'step' | 'name' | 'kind'>> {
    const spec = step.decision;
    if (!spec) return { status: 'skipped' };
    const value = resolveValue(spec.value, scope);
    if (value === undefined)
      return { status: 'rejected', error_code: 'param_missing', error_message: 'decision value' };
    const ip = spec.scope === 'ip' ? parseIp(value) : undefined;
    // Not an address: the apply template still gets the value, so the refusal is stored and audited as an action.
    const family = ip ? (ip.family === 4 ? 'ipv4' : 'ipv6') : spec.scope === 'ip' ? 'ipv4' : 'any';
    const applyTemplate = spec.apply?.[family] ?? spec.apply?.any;
    const revertTemplate = spec.revert?.[family] ?? spec.revert?.any;
    const baseDurationS = parseDuration(spec.duration, 'duration') / 1000;
    const simulated = execution.mode !== 'execute';
    const durationS = await this.#parts.decisions.durationFor(spec.scope, ip?.text ?? value, baseDurationS, simulated);
    const params = { ...(spec.params ?? {}) } as Record<string, string | number>;
    if (spec.scope === 'ip') Object.assign(params, { ip: ip?.text ?? value, ttl_s: durationS });
    if (spec.type === 'ban_sta') params.ban_ms = durationS * 1000;
    if (execution.mode === 'observe') {
      return {
        status: 'observed',
        command: applyTemplate && `${applyTemplate} ${ip?.text ?? value} for ${durationS} s`,
      };
    }
    // The apply command is rendered first: a protected or malformed value refuses the whole decision.
    let applied: Omit<StepResult, 'step' | 'name' | 'kind'> | undefined;
    if (applyTemplate) {
      applied = await this.#command(execution, { ...step, cooldownS: 0 }, device, applyTemplate, params, scope, signal);
      if (FAILED.has(applied.status)) return applied;
    }
    if (spec.scope === 'ip' && !ip) return { status: 'rejected', error_code: 'param_invalid', error_message: value };
    const revertParams = ip ? { ip: ip.text } : (resolveParamsSafe(params, scope) ?? {});
    const decision = await this.#parts.decisions.create({
      type: spec.type,
      scope: spec.scope,
      value: ip?.text ?? value,
      baseDurationS,
      deviceId: device.id,
      device: device.slug,
      findingId: execution.findingId,
      profileId: execution.profileId,
      executionId: execution.id,
      origin: execution.trigger === 'manual' ? 'manual' : 'profile',
      simulated,
      revert: revertTemplate ? { templateId: revertTemplate, params: revertParams } : null,
    });
    if (applied?.action_id) await this.#parts.decisions.setApplyAction(decision.id, applied.action_id);
    return { ...applied, status: applied?.status ?? 'succeeded', decision_id: decision.id };
  }

  /** spec "Step kinds": the same command on the same device inside `cooldown_s` is not sent again. */
  async #inCooldown(device: DeviceRow, rendered: RenderedCommand, cooldownS: number): Promise<boolean> {
    if (cooldownS <= 0) return false;
    const [recent] = await this.#parts.kernel.db.orm
      .select({ id: actions.id })
      .from(actions)
      .where(
        and(
          eq(actions.deviceId, device.id),
          eq(actions.templateId, rendered.templateId),
          eq(actions.renderedCommand, rendered.command),
          inArray(actions.status, ['dry_run', 'queued', 'running', 'succeeded', 'pending_approval']),
          gt(actions.createdAt, new Date(Date.now() - cooldownS * 1000)),
        ),
      )
      .limit(1);
    return recent !== undefined;
  }
}

function resolveParamsSafe(params: Record<string, string | number>, scope: StepScope) {
  try {
    return resolveParams(params, scope);
  } catch {
    return undefined;
  }
}
