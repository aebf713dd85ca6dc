import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { RecordingSink, streamingSink } from '../findings/finding-events.stream.ts';
import { FindingRecorder } from '../findings/finding-recorder.ts';
import { IngestJournal } from '../ingest/ingest-journal.ts';
import { opmasMetricsOf } from '../opmas.metrics.ts';
import { loadAgentConfig } from '../opmas-config.ts';
import { RULES_CHANGED_SUBJECT, RuleService } from '../rules/rule.service.ts';
import type { RuleRow } from '../rules/rule.tables.ts';
import { AgentHost } from './agent-host.ts';
import { PartitionLeases } from './partition-leases.ts';
import { partitionOf, StateCheckpoint } from './state-checkpoint.ts';

/** spec "Rule documents": nodes swap rules on the change event; this poll is the fallback when an event is missed. */
const RULE_POLL_MS = 5000;

const hosts = new WeakMap<Kernel, AgentHost>();
const partitionLeases = new WeakMap<Kernel, PartitionLeases>();

/** The partition leases of this process, when it runs agents on NATS. */
export function partitionLeasesOf(kernel: Kernel): PartitionLeases | undefined {
  return partitionLeases.get(kernel);
}

/** The agent host of this process, when it runs one (worker/all roles). */
export function agentHostOf(kernel: Kernel): AgentHost | undefined {
  return hosts.get(kernel);
}

const versionsOf = (rows: RuleRow[]) => new Map(rows.map((row) => [row.id, row.version]));

/**
 * Start hook part for agents: they run in `worker`/`all` processes only (spec "Architecture", roles). The agent loads
 * the stored rules and their checkpointed window state before it consumes, swaps rules on change events (and a 5 s
 * poll), checkpoints every `OPMAS_STATE_CHECKPOINT_MS` and once more when it stops. With NATS several worker nodes
 * may run: finding events go to JetStream and each node evaluates the device partitions it leases, loading a
 * partition's state when it takes it and checkpointing it when it hands it over.
 */
export async function startAgents(kernel: Kernel, journal?: IngestJournal): Promise<(() => Promise<void>) | undefined> {
  if (kernel.config.role === 'api') return undefined;
  const config = loadAgentConfig(kernel.config.env);
  const rules = new RuleService(kernel);
  let rows = await rules.repository.live();
  let fingerprint = await rules.repository.fingerprint();
  const checkpoint = new StateCheckpoint(kernel.db, config.partitions);
  const metrics = opmasMetricsOf(kernel);
  const sink = kernel.streams
    ? streamingSink(kernel, kernel.streams)
    : new RecordingSink(kernel, new FindingRecorder(kernel));
  const host = new AgentHost(kernel, await rules.activeRules(), sink, {
    maxKeysPerRule: config.ruleMaxKeys,
    matchMaxChars: config.matchMaxChars,
    evidenceMax: config.evidenceMax,
  });
  let leases: PartitionLeases | undefined;
  if (kernel.streams) {
    // Changed only inside hand-off steps, which run between batches on the agent's chain.
    const evaluated = new Set<number>();
    host.partitionBy((device) => evaluated.has(partitionOf(device, config.partitions)));
    leases = new PartitionLeases(
      kernel.db,
      {
        partitions: config.partitions,
        ttlMs: config.leaseTtlMs,
        renewMs: config.leaseRenewMs,
        nodeId: `${kernel.config.role}-${randomUUID()}`,
        version: '1',
      },
      {
        acquired: (partitions) =>
          host.handOff(async (engine) => {
            engine.mergeState(await checkpoint.load(versionsOf(rows), partitions));
            for (const partition of partitions) evaluated.add(partition);
          }),
        released: (partitions) =>
          host.handOff(async (engine) => {
            for (const partition of partitions) evaluated.delete(partition);
            await checkpoint.save(engine.takeChanges(), versionsOf(rows));
            engine.dropDevices((device) => evaluated.has(partitionOf(device, config.partitions)));
          }),
      },
      kernel.logger,
    );
    partitionLeases.set(kernel, leases);
    await leases.start();
  } else {
    host.importState(await checkpoint.load(versionsOf(rows)));
  }
  hosts.set(kernel, host);
  if (journal) host.startFromJournal(journal, await checkpoint.journalCursor());
  else host.start();

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
        const { engine, journalSeq } = await host.changes();
        // The state may only claim batches whose findings are stored, or a crash would lose those findings.
        await host.findingsSettled();
        const { written, deleted } = await checkpoint.save(engine, versionsOf(rows), journalSeq);
        if (written + deleted > 0) metrics.checkpointSeconds.observe((performance.now() - started) / 1000);
        if (journal && journalSeq !== undefined) journal.truncate(journalSeq);
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
    await leases?.stop();
    hosts.delete(kernel);
    partitionLeases.delete(kernel);
  };
}

/**
 * The ingest journal of an embedded worker process (no NATS; `OPMAS_JOURNAL`), continuing after the checkpointed
 * cursor; undefined for the api role and on NATS, where several nodes consume the bus.
 */
export async function openIngestJournal(kernel: Kernel): Promise<IngestJournal | undefined> {
  const config = loadAgentConfig(kernel.config.env);
  if (kernel.config.role === 'api' || kernel.streams || !config.journal) return undefined;
  const cursor = await new StateCheckpoint(kernel.db, config.partitions).journalCursor();
  return IngestJournal.open(join(kernel.config.dataDir, 'opmas', 'journal'), {
    segmentBytes: config.journalSegmentBytes,
    startAfter: cursor,
  });
}
