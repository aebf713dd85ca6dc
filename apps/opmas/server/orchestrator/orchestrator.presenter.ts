import type { ActionView, DecisionView } from './orchestrator.schema.ts';
import type {
  ActionRow,
  DecisionRow,
  ExecutionRow,
  PlaybookRow,
  PlaybookStepRow,
  ProfileRow,
} from './orchestrator.tables.ts';

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export function presentAction(row: ActionRow): ActionView {
  return {
    id: row.id,
    execution_id: row.executionId,
    finding_id: row.findingId,
    device_id: row.deviceId,
    device: row.device,
    template_id: row.templateId,
    params: row.params,
    rendered_command: row.renderedCommand,
    mode: row.mode,
    status: row.status,
    requires_approval: row.requiresApproval,
    approved_by: row.approvedBy,
    attempts: row.attempts,
    exit_code: row.exitCode,
    stdout: row.stdout,
    stderr: row.stderr,
    truncated: row.truncated,
    error_code: row.errorCode,
    error_message: row.errorMessage,
    duration_ms: row.durationMs,
    reason: row.reason,
    created_at: row.createdAt.toISOString(),
    completed_at: iso(row.completedAt),
  };
}

export function presentPlaybook(row: PlaybookRow, steps: PlaybookStepRow[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    domain: row.domain,
    enabled: row.enabled,
    max_mode: row.maxMode,
    builtin: row.builtin,
    last_executed: iso(row.lastExecuted),
    execution_count: row.executionCount,
    steps: steps.map((step) => ({
      position: step.position,
      name: step.name,
      kind: step.kind,
      template_id: step.templateId,
      params: step.params,
      decision: step.decision as Record<string, unknown> | null,
      continue_on_error: step.continueOnError,
      requires_approval: step.requiresApproval,
      cooldown_s: step.cooldownS,
    })),
  };
}

export function presentProfile(row: ProfileRow) {
  return {
    id: row.id,
    name: row.name,
    priority: row.priority,
    enabled: row.enabled,
    filter: row.filter as Record<string, unknown>,
    playbook_id: row.playbookId,
    max_mode: row.maxMode,
    rerun_on_repeat: row.rerunOnRepeat,
    on_match: row.onMatch,
  };
}

export function presentExecution(row: ExecutionRow) {
  return {
    id: row.id,
    playbook_id: row.playbookId,
    profile_id: row.profileId,
    finding_id: row.findingId,
    device: row.device,
    mode: row.mode,
    trigger: row.trigger,
    status: row.status,
    results: row.results as unknown as Record<string, unknown>[],
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
  };
}

export function presentDecision(row: DecisionRow): DecisionView {
  return {
    id: row.id,
    type: row.type,
    scope: row.scope,
    value: row.value,
    device: row.device,
    finding_id: row.findingId,
    origin: row.origin,
    simulated: row.simulated,
    status: row.status,
    duration_s: row.durationS,
    created_at: row.createdAt.toISOString(),
    until: row.until.toISOString(),
  };
}
