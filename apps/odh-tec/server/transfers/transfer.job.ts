import type { AppJob } from '@platform/kernel/apps/define-app.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { JobContext } from '@platform/kernel/jobs/job-queue.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { ConnectionService } from '../connections/connection.service.ts';
import { hfImportMover } from '../hf/hf-import.runner.ts';
import { LocalDriver } from '../local/local.driver.ts';
import { LocalStorageDriver } from '../local/local.storage-driver.ts';
import { maxFileBytesOf, parseLocalRoots } from '../local/local-roots.ts';
import { LocationService } from '../locations/location.service.ts';
import { settingsServiceOf } from '../settings/settings.service.ts';
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
    const created = new TransferEngine(kernel, new LocationService(kernel, new ConnectionService(kernel)), limit);
    created.listen();
    created.useMover('hf_import', hfImportMover(kernel));
    const maxFileBytes = maxFileBytesOf(kernel.config.env);
    const roots = new Map(parseLocalRoots(kernel.config.env).map((root) => [root.id, root]));
    created.useLocalDrivers((locationId) => {
      const root = roots.get(locationId);
      if (!root) throw new AppError(404, 'location_not_found', 'location not found');
      return new LocalStorageDriver(new LocalDriver(root, { maxFileBytes }));
    });
    // The persisted setting (changed at run time through PATCH /api/settings and the bus) sizes the slots.
    const settings = settingsServiceOf(kernel);
    void settings.ready().then(() => created.scheduler.setLimit(settings.maxConcurrentTransfers()));
    settings.onChange(() => created.scheduler.setLimit(settings.maxConcurrentTransfers()));
    engines.set(kernel, created);
    engine = created;
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
