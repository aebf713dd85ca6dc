import type { Kernel } from '@platform/kernel/kernel.ts';
import { FindingRecorder } from '../findings/finding-recorder.ts';
import { loadDefaultPack } from '../rules/default-pack.ts';
import { AgentHost } from './agent-host.ts';

/**
 * Start hook part for agents: they run in `worker`/`all` processes only (spec "Architecture", roles), with the
 * built-in pack until rules are stored in the database.
 */
export async function startAgents(kernel: Kernel): Promise<(() => Promise<void>) | undefined> {
  if (kernel.config.role === 'api') return undefined;
  const host = new AgentHost(kernel, loadDefaultPack().rules, new FindingRecorder(kernel));
  host.start();
  return () => host.stop();
}
