/**
 * A worker process for multi-process job tests: `node job-worker.ts <crash|cron>` with DATABASE_URL, DATA_DIR and
 * PLATFORM_SECRET_KEYS set. Prints `ready <workerId>` once it claims jobs; exits on SIGTERM or when stdin closes.
 */
import { loadConfig } from '../../config/load-config.ts';
import { createKernel } from '../../kernel.ts';
import { crashTestApp, cronTestApp, type DatabaseRef } from './worker-apps.ts';

const ref: DatabaseRef = {};
const app = process.argv[2] === 'cron' ? cronTestApp(ref) : crashTestApp(ref);
const config = loadConfig({
  DATABASE_URL: process.env.DATABASE_URL,
  DATA_DIR: process.env.DATA_DIR,
  PLATFORM_SECRET_KEYS: process.env.PLATFORM_SECRET_KEYS,
  ROLE: 'worker',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
});
const kernel = await createKernel(config, { apps: [app] });
ref.current = kernel.db;
kernel.jobs.pollIntervalMs = 100;
await kernel.start();
process.stdout.write(`ready ${kernel.jobs.workerId}\n`);

let closing = false;
const shutdown = async () => {
  if (closing) return;
  closing = true;
  await kernel.close();
  process.exit(0);
};
process.once('SIGTERM', shutdown);
process.stdin.on('end', shutdown).resume();
