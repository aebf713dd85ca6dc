/**
 * Runtime configuration per component (spec 02-opmas "API" `/configurations/component/{c}/active` and
 * `/{id}/history`): settings saved by operators in `system_config` (with history) over the environment defaults.
 */
import { notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { ingestRuntimeFor } from '../ingest/ingest-runtime.ts';
import { loadAgentConfig } from '../opmas-config.ts';
import { MODE_KEY } from '../orchestrator/orchestrator.ts';
import { orchestratorOf } from '../orchestrator/orchestrator-runtime.ts';
import { ORCHESTRATOR_PAUSED_KEY } from './orchestrator-pause.ts';
import type { ActiveConfig, ConfigComponent, ConfigHistory, ConfigSetting } from './system.schema.ts';
import { type ConfigRow, SystemConfigRepository } from './system-config.repository.ts';

/** Settings operators change at run time: stored key → setting name and default. */
interface RuntimeSetting {
  id: string;
  key: string;
  fallback: unknown;
}

const fixed = (key: string, value: unknown, source: ConfigSetting['source'] = 'environment'): ConfigSetting => ({
  id: null,
  key,
  value,
  source,
  updated_at: null,
  updated_by: null,
});

const stored = (setting: RuntimeSetting, row: ConfigRow | undefined): ConfigSetting => ({
  id: setting.id,
  key: setting.key,
  value: row ? row.value : setting.fallback,
  source: row ? 'runtime' : 'environment',
  updated_at: row?.updatedAt.toISOString() ?? null,
  updated_by: row?.updatedBy ?? null,
});

export class RuntimeConfigService {
  readonly #kernel: Kernel;
  readonly #repository: SystemConfigRepository;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.#repository = new SystemConfigRepository(kernel.db.orm);
  }

  /** Runtime-editable settings per component; their ids are the `system_config` keys. */
  #runtimeSettings(component: ConfigComponent): RuntimeSetting[] {
    if (component !== 'orchestrator') return [];
    return [
      { id: MODE_KEY, key: 'mode', fallback: orchestratorOf(this.#kernel).config.mode },
      { id: ORCHESTRATOR_PAUSED_KEY, key: 'paused', fallback: false },
    ];
  }

  /** Environment settings in effect (read-only at run time). */
  #fixedSettings(component: ConfigComponent): ConfigSetting[] {
    const env = this.#kernel.config.env;
    if (component === 'orchestrator') {
      const config = orchestratorOf(this.#kernel).config;
      return [
        fixed('exec_concurrency', config.execConcurrency),
        fixed('exec_timeout_s', config.execTimeoutS),
        fixed('decision_max_duration_s', config.decisionMaxDurationS),
      ];
    }
    if (component === 'ingest') {
      const ingest = ingestRuntimeFor(this.#kernel);
      const { config } = ingest;
      return [
        fixed('paused', ingest.queue.paused, 'process'),
        fixed('udp_port', config.udpPort),
        fixed('tcp_port', config.tcpPort),
        fixed('tls_port', config.tlsPort),
        fixed('queue_max', config.queueMax),
        fixed('max_message_bytes', config.maxMessageBytes),
        fixed('default_timezone', config.defaultTimezone),
        fixed('auto_register', config.autoRegister),
      ];
    }
    const agents = loadAgentConfig(env);
    return [
      fixed('partitions', agents.partitions),
      fixed('checkpoint_ms', agents.checkpointMs),
      fixed('rule_max_keys', agents.ruleMaxKeys),
      fixed('evidence_max', agents.evidenceMax),
    ];
  }

  /** The settings in effect for one component. */
  async active(component: ConfigComponent): Promise<ActiveConfig> {
    const runtime = this.#runtimeSettings(component);
    const rows = runtime.length ? await this.#repository.rows(runtime.map((setting) => setting.id)) : [];
    const settings = runtime.map((setting) =>
      stored(
        setting,
        rows.find((row) => row.key === setting.id),
      ),
    );
    return { component, settings: [...settings, ...this.#fixedSettings(component)] };
  }

  /** Changes of one runtime setting, newest first; 404 for ids that are not runtime settings. */
  async history(id: string, limit: number): Promise<ConfigHistory> {
    const known = (['orchestrator', 'ingest', 'agents'] as const).some((component) =>
      this.#runtimeSettings(component).some((setting) => setting.id === id),
    );
    if (!known) throw notFound('runtime setting');
    const rows = await this.#repository.history(id, limit);
    return {
      id,
      items: rows.map((row) => ({
        before: row.before ?? null,
        after: row.after,
        changed_by: row.changedBy,
        changed_at: row.changedAt.toISOString(),
      })),
    };
  }
}
