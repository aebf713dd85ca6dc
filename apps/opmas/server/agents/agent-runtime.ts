import type { Kernel } from '@platform/kernel/kernel.ts';
import { FindingRecorder } from '../findings/finding-recorder.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { loadAgentConfig } from '../opmas-config.ts';
import { RULES_CHANGED_SUBJECT, RuleService } from '../rules/rule.service.ts';
import type { RuleRow } from '../rules/rule.tables.ts';
import { AgentHost } from './agent-host.ts';
import { StateCheckpoint } from './state-checkpoint.ts';

/** spec "Rule documents": nodes swap rules on the change event; this poll is the fallback when an event is missed. */
const RULE_POLL_MS = 5000;

const hosts = new WeakMap<Kernel, AgentHost>();

/** The agent host of this process, when it runs one (worker/all roles). */
export function agentHostOf(kernel: Kernel): AgentHost | undefined {
  return hosts.get(kernel);
}

const versionsOf = (rows: RuleRow[]) => new Map(rows.map((row) => [row.id, row.version]));

/**
 * Start hook part for agents: they run in `worker`/`all` processes only (spec "Architecture", roles). The agent loads
 * the stored rules and their checkpointed window state before it consumes, swaps rules on change events (and a 5 s
 * poll), checkpoints every `OPMAS_STATE_CHECKPOINT_MS` and once more when it stops.
 */
export async function startAgents(kernel: Kernel): Promise<(() => Promise<void>) | undefined> {
  if (kernel.config.role === 'api') return undefined;
  const config = loadAgentConfig(kernel.config.env);
  const rules = new RuleService(kernel);
  let rows = await rules.repository.live();
  let fingerprint = await rules.repository.fingerprint();
  const checkpoint = new StateCheckpoint(kernel.db, config.partitions);
  const metrics = opmasMetricsOf(kernel);
  const host = new AgentHost(kernel, await rules.activeRules(), new FindingRecorder(kernel), {
    maxKeysPerRule: config.ruleMaxKeys,
    matchMaxChars: config.matchMaxChars,
    evidenceMax: config.evidenceMax,
  });
  host.importState(await checkpoint.load(versionsOf(rows)));
  hosts.set(kernel, host);
  host.start();

  const reload = async () => {
    fingerprint = await rules.repository.fingerprint();
    rows = await rules.repository.live();
    await host.replaceRules(await rules.activeRules());
  };
  let checkpointing: Promise<unknown> = Promise.resolve();
  const saveState = () => {
    checkpointing = checkpointing
      .then(async () => {
        const started = performance.now();
        const { written, deleted } = await checkpoint.save(await host.changes(), versionsOf(rows));
        if (written + deleted > 0) metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
      })
      .catch((error: unknown) => kernel.logger.error({ err: error }, 'opmas rule state checkpoint failed'));
    return checkpointing;
  };
  const onChange = kernel.bus.subscribe(RULES_CHANGED_SUBJECT, () =>
    reload().catch((error: unknown) => kernel.logger.error({ err: error }, 'opmas rules not reloaded')),
  );
  const poll = setInterval(async () => {
    try {
      if ((await rules.repository.fingerprint()) !== fingerprint) await reload();
    } catch (error) {
      kernel.logger.warn({ err: error }, 'opmas rule poll failed');
    }
  }, RULE_POLL_MS);
  const timer = setInterval(saveState, config.checkpointMs);
  poll.unref();
  timer.unref();

  return async () => {
    clearInterval(poll);
    clearInterval(timer);
    onChange.unsubscribe();
    await host.stop();
    await saveState();
    hosts.delete(kernel);
  };
}
