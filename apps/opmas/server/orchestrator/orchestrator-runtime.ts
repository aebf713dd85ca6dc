/**
 * Wiring of the orchestrator parts per kernel: the allowlist (built-in templates, protected CIDRs), the SSH executor,
 * the action runner, decisions and the playbook runner; the job, the bus subscription and the decision-expiry loop
 * (spec: every 30 s, expired decisions run their revert template).
 */
import type { AppJob, AppSubscription } from '@platform/kernel/apps/define-app.ts';
import type { BusMessage } from '@platform/kernel/bus/bus.ts';
import type { DurableConsumer } from '@platform/kernel/bus/durable-streams.ts';
import type { JobContext } from '@platform/kernel/jobs/job-queue.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { eq } from 'drizzle-orm';
import { BUILTIN_TEMPLATES } from '../executor/builtin-templates.ts';
import { CommandAllowlist } from '../executor/command-template.ts';
import { SshExecutor } from '../executor/ssh-executor.ts';
import { consumeFindingEvents, ensureFindingsStream } from '../findings/finding-events.stream.ts';
import { FindingRecorder } from '../findings/finding-recorder.ts';
import { FINDING_CHANGES_PATTERN, type FindingChangeMessage } from '../findings/finding-stream.ts';
import { devices } from '../opmas.schema.ts';
import { loadOrchestratorConfig, type OrchestratorConfig } from '../opmas-config.ts';
import { ActionRunner } from './action-runner.ts';
import { DecisionService } from './decision.service.ts';
import type { DecisionRow } from './orchestrator.tables.ts';
import { orchestrateFinding, PLAYBOOK_QUEUE, seedPlaybooks } from './orchestrator.ts';
import { PlaybookRunner } from './playbook-runner.ts';

const EXPIRY_INTERVAL_MS = 30_000;

export interface OrchestratorParts {
  config: OrchestratorConfig;
  allowlist: CommandAllowlist;
  actionRunner: ActionRunner;
  decisions: DecisionService;
  runner: PlaybookRunner;
}

const parts = new WeakMap<Kernel, OrchestratorParts>();
const findingConsumers = new WeakMap<Kernel, DurableConsumer>();

/** The durable consumer that stores finding events in this process (NATS worker roles only). */
export function findingConsumerOf(kernel: Kernel): DurableConsumer | undefined {
  return findingConsumers.get(kernel);
}

/** The orchestrator parts of this kernel, created on first use. */
export function orchestratorOf(kernel: Kernel): OrchestratorParts {
  let found = parts.get(kernel);
  if (!found) {
    const config = loadOrchestratorConfig(kernel.config.env);
    const allowlist = new CommandAllowlist(BUILTIN_TEMPLATES, { protectedCidrs: config.protectedCidrs });
    const executor = new SshExecutor({
      connectTimeoutMs: config.sshConnectTimeoutMs,
      outputMaxBytes: config.outputMaxBytes,
      trustOnFirstUse: config.sshTrustOnFirstUse,
    });
    const actionRunner = new ActionRunner(kernel, executor, {
      concurrency: config.execConcurrency,
      retries: config.execRetries,
    });
    const decisions = new DecisionService(kernel, config.decisionMaxDurationS);
    const runner = new PlaybookRunner({ kernel, allowlist, actionRunner, decisions });
    found = { config, allowlist, actionRunner, decisions, runner };
    parts.set(kernel, found);
  }
  return found;
}

export const playbookJob: AppJob = {
  queue: PLAYBOOK_QUEUE,
  maxAttempts: 1,
  leaseSeconds: 30,
  handler: async (context: JobContext<{ executionId: string }>, kernel: Kernel) => {
    await orchestratorOf(kernel).runner.run(context.job.payload.executionId, context.signal);
  },
};

export const findingSubscription: AppSubscription = {
  subject: FINDING_CHANGES_PATTERN,
  queue: 'opmas-orchestrator',
  handler: async (message: BusMessage<FindingChangeMessage>, kernel: Kernel) => {
    await orchestrateFinding(kernel, message.data);
  },
};

/**
 * Runs a real (not simulated) decision's revert template on its device, as an audited action recorded on the
 * decision; nothing to do for simulated decisions or ones without a revert. With `background` the action is stored
 * before this resolves and runs afterwards (a request need not wait for SSH).
 */
export async function revertDecision(
  kernel: Kernel,
  decision: DecisionRow,
  reason: string,
  options: { background?: boolean } = {},
): Promise<void> {
  if (decision.simulated || !decision.revert || !decision.deviceId) return;
  const { decisions, allowlist, actionRunner } = orchestratorOf(kernel);
  const [device] = await kernel.db.orm.select().from(devices).where(eq(devices.id, decision.deviceId));
  if (!device) return;
  const { templateId, params } = decision.revert;
  const rendered = allowlist.render(templateId, params);
  const action = await actionRunner.store({
    device,
    templateId,
    params,
    rendered,
    mode: 'execute',
    findingId: decision.findingId,
    reason,
  });
  await decisions.setRevertAction(decision.id, action.id);
  const running = actionRunner.execute(action, device, rendered);
  if (!options.background) {
    await running;
    return;
  }
  void running.catch((error: unknown) =>
    kernel.logger.error({ err: error, decision: decision.id }, 'opmas revert failed'),
  );
}

/** Marks due decisions expired and runs the revert template of the real (not simulated) ones. */
export async function expireDecisions(kernel: Kernel): Promise<number> {
  const expired = await orchestratorOf(kernel).decisions.expireDue();
  for (const decision of expired) await revertDecision(kernel, decision, `decision ${decision.id} expired`);
  return expired.length;
}

/**
 * Start hook part: seeds playbooks and, with NATS, declares the `OPMAS_FINDINGS` stream (every role); in worker
 * processes runs the expiry loop and, with NATS, the durable consumer that stores finding events.
 */
export async function startOrchestrator(kernel: Kernel): Promise<() => Promise<void>> {
  await seedPlaybooks(kernel.db.orm);
  const { config } = orchestratorOf(kernel);
  if (kernel.streams) await ensureFindingsStream(kernel.streams, config.findingsMaxAgeS);
  if (kernel.config.role === 'api') return async () => {};
  const consumer = kernel.streams
    ? await consumeFindingEvents(kernel.streams, new FindingRecorder(kernel), config.findingsAckWaitMs)
    : undefined;
  if (consumer) findingConsumers.set(kernel, consumer);
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = expireDecisions(kernel).catch((error: unknown) =>
      kernel.logger.error({ err: error }, 'opmas decision expiry failed'),
    );
  }, EXPIRY_INTERVAL_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await consumer?.stop();
    findingConsumers.delete(kernel);
    await running;
  };
}
