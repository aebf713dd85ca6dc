/**
 * The orchestrator (spec "Findings and orchestrator"): per stored finding change, the profiles in priority order
 * pick playbooks; each pick becomes a `playbook_executions` row and a kernel job `opmas.playbook.run` (idempotency key
 * `exec:<id>`) in one transaction. A redelivered event finds its execution row already there and creates nothing.
 * Repeats of an open finding run again only for profiles with `rerun_on_repeat`.
 */
import type { Executor as DbExecutor, Orm } from '@platform/kernel/db/database.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq } from 'drizzle-orm';
import { findings } from '../findings/finding.tables.ts';
import type { FindingChangeMessage } from '../findings/finding-stream.ts';
import { type DeviceRow, devices, type ExecutionMode } from '../opmas.schema.ts';
import {
  type ExecutionRow,
  playbookExecutions,
  playbookSteps,
  playbooks,
  profiles,
  systemConfig,
} from './orchestrator.tables.ts';
import { MODE_KEY, orchestratorConfigOf } from './orchestrator-config-cache.ts';
import { matchingProfiles } from './profile-matcher.ts';
import { SHIPPED_PLAYBOOKS, SHIPPED_PROFILES } from './shipped-playbooks.ts';
import { minMode } from './step-params.ts';

export const PLAYBOOK_QUEUE = 'opmas.playbook.run';
export { MODE_KEY };

/** The system mode: the runtime setting an admin saved, else `OPMAS_ORCHESTRATOR_MODE`. */
export async function systemMode(orm: Orm, fallback: ExecutionMode): Promise<ExecutionMode> {
  const [row] = await orm.select().from(systemConfig).where(eq(systemConfig.key, MODE_KEY));
  return (row?.value as ExecutionMode | undefined) ?? fallback;
}

/** Effective mode (spec: min over system, profile, playbook and device; a device in maintenance only observes). */
export function effectiveMode(
  system: ExecutionMode,
  profileMode: ExecutionMode | null,
  playbookMode: ExecutionMode,
  device: DeviceRow | undefined,
): ExecutionMode {
  return minMode(
    system,
    profileMode,
    playbookMode,
    device?.maxMode,
    device?.status === 'maintenance' ? 'observe' : null,
  );
}

/** Creates an execution row and its job in the caller's transaction; undefined when it exists already. */
export async function enqueueExecution(
  kernel: Kernel,
  tx: DbExecutor,
  values: typeof playbookExecutions.$inferInsert,
): Promise<ExecutionRow | undefined> {
  const orm: Orm = tx;
  const [row] = await orm.insert(playbookExecutions).values(values).onConflictDoNothing().returning();
  if (!row) return undefined;
  await kernel.jobs.enqueue(
    PLAYBOOK_QUEUE,
    { executionId: row.id },
    { idempotencyKey: `exec:${row.id}`, title: `Playbook ${row.playbookId}`, executor: tx },
  );
  return row;
}

/** Seeds the shipped playbooks and profiles once; later edits belong to the operator. */
export async function seedPlaybooks(orm: Orm): Promise<void> {
  for (const playbook of SHIPPED_PLAYBOOKS) {
    const [created] = await orm
      .insert(playbooks)
      .values({
        id: playbook.id,
        name: playbook.name,
        description: playbook.description,
        domain: playbook.domain,
        builtin: true,
      })
      .onConflictDoNothing()
      .returning();
    if (!created) continue;
    for (const [position, step] of playbook.steps.entries()) {
      await orm.insert(playbookSteps).values({
        playbookId: playbook.id,
        position,
        name: step.name,
        kind: step.kind,
        templateId: step.template_id ?? null,
        params: step.params ?? {},
        decision: step.decision ?? null,
        continueOnError: step.continue_on_error ?? false,
      });
    }
  }
  for (const profile of SHIPPED_PROFILES) {
    await orm
      .insert(profiles)
      .values({
        id: profile.id,
        name: profile.name,
        priority: profile.priority,
        filter: profile.filter,
        playbookId: profile.playbook_id,
        maxMode: profile.max_mode ?? 'execute',
        builtin: true,
      })
      .onConflictDoNothing();
  }
}

/** Handles one finding change from the bus. */
export async function orchestrateFinding(kernel: Kernel, change: FindingChangeMessage): Promise<ExecutionRow[]> {
  if (change.kind !== 'fired') return [];
  const orm = kernel.db.orm;
  const config = await orchestratorConfigOf(kernel).snapshot();
  // spec "API" control pause_orchestrator: the finding is stored, but no new execution starts.
  if (config.paused) return [];
  const [finding] = await orm.select().from(findings).where(eq(findings.id, change.finding_id));
  if (!finding) return [];
  const [device] = finding.deviceId ? await orm.select().from(devices).where(eq(devices.id, finding.deviceId)) : [];
  const candidates = matchingProfiles(config.profiles, {
    rule_id: finding.ruleId,
    domain: finding.domain,
    severity: finding.severity,
    labels: finding.labels,
    device_tags: device?.tags ?? [],
  }).filter((profile) => finding.occurrences === 1 || profile.rerunOnRepeat);
  if (candidates.length === 0) return [];
  const created: ExecutionRow[] = [];
  for (const profile of candidates) {
    const playbook = config.playbooks.get(profile.playbookId);
    if (!playbook?.enabled) continue;
    const row = await kernel.db.transaction((tx) =>
      enqueueExecution(kernel, tx, {
        playbookId: playbook.id,
        profileId: profile.id,
        findingId: finding.id,
        occurrence: finding.occurrences,
        deviceId: finding.deviceId,
        device: finding.device,
        mode: effectiveMode(config.mode, profile.maxMode, playbook.maxMode, device),
        trigger: 'profile',
      }),
    );
    if (row) created.push(row);
  }
  return created;
}
