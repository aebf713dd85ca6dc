/**
 * The operator's orchestrator pause (spec 02-opmas "API": control `pause_orchestrator`/`resume_orchestrator`). Kept in
 * `system_config`, so every worker node's orchestrator sees it and it survives restarts; while set, stored findings
 * start no new playbook executions.
 */
import type { Orm } from '@platform/kernel/db/database.ts';
import { SystemConfigRepository } from './system-config.repository.ts';

export const ORCHESTRATOR_PAUSED_KEY = 'orchestrator_paused';

/** True while an operator has paused the orchestrator. */
export async function orchestratorPaused(orm: Orm): Promise<boolean> {
  return (await new SystemConfigRepository(orm).value(ORCHESTRATOR_PAUSED_KEY)) === true;
}
