/**
 * Operator controls (spec 02-opmas "API" `POST /system/control`). Restarts are not among them: they belong to
 * Kubernetes, so `restart` and anything else is 400 `unsupported_action`. Every control is audited.
 */
import type { AuditContext } from '@platform/kernel/audit/audit.service.ts';
import { badRequest } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { orchestratorConfigOf } from '../orchestrator/orchestrator-config-cache.ts';
import { RULES_CHANGED_SUBJECT } from '../rules/rule.service.ts';
import { ORCHESTRATOR_PAUSED_KEY, orchestratorPaused } from './orchestrator-pause.ts';
import { CONTROL_ACTIONS, type ControlAction, type ControlResult } from './system.schema.ts';
import { writeConfig } from './system-config.repository.ts';

const isControlAction = (action: string): action is ControlAction =>
  (CONTROL_ACTIONS as readonly string[]).includes(action);

async function setOrchestratorPaused(kernel: Kernel, context: AuditContext, paused: boolean): Promise<void> {
  const before = await orchestratorPaused(kernel.db.orm);
  await kernel.db.transaction(async (tx) => {
    await writeConfig(tx, {
      key: ORCHESTRATOR_PAUSED_KEY,
      before,
      after: paused,
      by: context.principal?.userId ?? null,
    });
    await kernel.audit.record(
      context,
      {
        action: 'opmas.system.control',
        targetType: 'opmas.system',
        before: { orchestrator_paused: before },
        after: { action: paused ? 'pause_orchestrator' : 'resume_orchestrator', orchestrator_paused: paused },
      },
      tx,
    );
  });
  orchestratorConfigOf(kernel).invalidate();
}

/** Runs one control in this process (ingest pause) or for every node (rules reload, orchestrator pause). */
export async function runControl(kernel: Kernel, context: AuditContext, action: string): Promise<ControlResult> {
  if (!isControlAction(action)) {
    throw badRequest(`unsupported action ${action}`, { supported: CONTROL_ACTIONS }, 'unsupported_action');
  }
  const { queue } = ingestRuntimeFor(kernel);
  if (action === 'pause_orchestrator' || action === 'resume_orchestrator') {
    await setOrchestratorPaused(kernel, context, action === 'pause_orchestrator');
  } else {
    const ingestBefore = queue.paused;
    if (action === 'pause_ingest') queue.setPaused(true);
    if (action === 'resume_ingest') queue.setPaused(false);
    // Every agent node reloads its rules on this subject (spec "Rule documents": hot reload).
    if (action === 'reload_rules') await kernel.bus.publish(RULES_CHANGED_SUBJECT, { reason: 'control' });
    await kernel.audit.record(context, {
      action: 'opmas.system.control',
      targetType: 'opmas.system',
      before: { ingest_paused: ingestBefore },
      after: { action, ingest_paused: queue.paused },
    });
  }
  return { action, ingest_paused: queue.paused, orchestrator_paused: await orchestratorPaused(kernel.db.orm) };
}
