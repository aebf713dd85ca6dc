import type { AppJob } from '@platform/kernel/apps/define-app.ts';
import type { JobContext } from '@platform/kernel/jobs/job-queue.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { ConnectionService } from '../connections/connection.service.ts';
import { LocationService } from '../locations/location.service.ts';
import { TRANSFER_QUEUE, TransferEngine } from './transfer.engine.ts';

const engines = new WeakMap<Kernel, TransferEngine>();

/**
 * The process's transfer engine (one scheduler per process, spec "Scheduler"), shared by the routes and the job
 * handler of one kernel; created on first use, listening for cancel requests from other processes.
 */
export function transferEngineOf(kernel: Kernel): TransferEngine {
  let engine = engines.get(kernel);
  if (!engine) {
    const limit = Number(kernel.config.env.MAX_CONCURRENT_TRANSFERS) || 2;
    engine = new TransferEngine(kernel, new LocationService(kernel, new ConnectionService(kernel)), limit);
    engine.listen();
    engines.set(kernel, engine);
  }
  return engine;
}

/**
 * Server-side transfers as kernel jobs. A short lease (3 s, heartbeat each second) lets a cancel published on the bus
 * or flagged in the job row stop the run within about a second, and a dead worker's job is re-claimed quickly — which
 * resumes it, skipping files already completed (spec "Transfers": interrupted → queued).
 */
export const transferJob: AppJob = {
  queue: TRANSFER_QUEUE,
  leaseSeconds: 3,
  maxAttempts: 5,
  concurrency: 8,
  handler: async (context: JobContext<{ transferId?: string }>, kernel: Kernel) => {
    const transferId = context.job.payload.transferId ?? context.job.id;
    await transferEngineOf(kernel).runJob(transferId, context.signal);
  },
};
