/**
 * The orchestrator's rarely changing configuration — profiles, playbooks, their steps, the runtime mode and the
 * operator pause — read once per second per process instead of once per finding and execution. Under a burst of
 * findings those reads were most of the database work on the hot path. Writes in this process invalidate the
 * snapshot at once; other processes pick changes up within a second (spec "Rule documents" gives nodes 1 s to swap).
 */
import type { Kernel } from '@platform/kernel/kernel.ts';
import { asc } from 'drizzle-orm';
import type { ExecutionMode } from '../opmas.schema.ts';
import { loadOrchestratorConfig } from '../opmas-config.ts';
import { ORCHESTRATOR_PAUSED_KEY } from '../system/orchestrator-pause.ts';
import { SystemConfigRepository } from '../system/system-config.repository.ts';
import {
  type PlaybookRow,
  type PlaybookStepRow,
  type ProfileRow,
  playbookSteps,
  playbooks,
  profiles,
} from './orchestrator.tables.ts';

const TTL_MS = 1000;
/** `system_config` key of the runtime mode (written by `PUT /system/config`). */
export const MODE_KEY = 'orchestrator_mode';

export interface OrchestratorSnapshot {
  profiles: ProfileRow[];
  playbooks: Map<string, PlaybookRow>;
  /** Steps per playbook, in order. */
  steps: Map<string, PlaybookStepRow[]>;
  mode: ExecutionMode;
  paused: boolean;
}

export class OrchestratorConfigCache {
  readonly #kernel: Kernel;
  readonly #fallbackMode: ExecutionMode;
  #loaded: { at: number; snapshot: Promise<OrchestratorSnapshot> } | undefined;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#fallbackMode = loadOrchestratorConfig(kernel.config.env).mode;
  }

  /** The current configuration, at most one second old. */
  snapshot(): Promise<OrchestratorSnapshot> {
    if (!this.#loaded || Date.now() - this.#loaded.at > TTL_MS) {
      const snapshot = this.#load();
      this.#loaded = { at: Date.now(), snapshot };
      // A failed read must not be served for a second.
      snapshot.catch(() => {
        if (this.#loaded?.snapshot === snapshot) this.#loaded = undefined;
      });
    }
    return this.#loaded.snapshot;
  }

  /** Drops the snapshot after a write in this process, so the next finding sees the change. */
  invalidate(): void {
    this.#loaded = undefined;
  }

  async #load(): Promise<OrchestratorSnapshot> {
    const orm = this.#kernel.db.orm;
    const config = new SystemConfigRepository(orm);
    const [profileRows, playbookRows, stepRows, mode, paused] = await Promise.all([
      orm.select().from(profiles),
      orm.select().from(playbooks),
      orm.select().from(playbookSteps).orderBy(asc(playbookSteps.playbookId), asc(playbookSteps.position)),
      config.value(MODE_KEY),
      config.value(ORCHESTRATOR_PAUSED_KEY),
    ]);
    const steps = new Map<string, PlaybookStepRow[]>();
    for (const step of stepRows) steps.set(step.playbookId, [...(steps.get(step.playbookId) ?? []), step]);
    return {
      profiles: profileRows,
      playbooks: new Map(playbookRows.map((row) => [row.id, row])),
      steps,
      mode: (mode as ExecutionMode | undefined) ?? this.#fallbackMode,
      paused: paused === true,
    };
  }
}

const caches = new WeakMap<Kernel, OrchestratorConfigCache>();

/** This process's orchestrator configuration cache. */
export function orchestratorConfigOf(kernel: Kernel): OrchestratorConfigCache {
  let cache = caches.get(kernel);
  if (!cache) {
    cache = new OrchestratorConfigCache(kernel);
    caches.set(kernel, cache);
  }
  return cache;
}
