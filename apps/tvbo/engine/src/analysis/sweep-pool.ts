/**
 * Runs a sweep on a pool of worker threads (spec 03-tvbo §B7). Each worker receives the base simulation once and
 * then pulls points one at a time, so a slow point never idles the other workers. Results are returned in point
 * order whatever the pool size.
 */
import { Worker } from 'node:worker_threads';
import { EngineError } from '../errors.ts';
import type { SimulationConfig } from '../sim/simulator.ts';
import { type SweepPointResult, type SweepSpec, sweepPoints } from './sweep.ts';

export type SweepRun = {
  poolSize: number;
  signal?: AbortSignal;
  /** Called as each point finishes (in completion order). */
  onPoint?: (result: SweepPointResult, done: number, total: number) => void;
  /** Called once every worker has loaded the engine, before the first point is sent (benchmarks time from here). */
  onReady?: () => void;
};

const WORKER_URL = new URL('./sweep-worker.ts', import.meta.url);

export async function runSweep(base: SimulationConfig, spec: SweepSpec, run: SweepRun): Promise<SweepPointResult[]> {
  const points = sweepPoints(spec);
  if (!Number.isInteger(run.poolSize) || run.poolSize < 1)
    throw new EngineError('invalid_request', 'poolSize must be a positive integer');
  if (run.signal?.aborted) throw new EngineError('canceled', 'sweep canceled');
  const workers = Array.from(
    { length: Math.min(run.poolSize, points.length) },
    () => new Worker(WORKER_URL, { workerData: { base, spec } }),
  );
  const stopAll = (): void => {
    for (const worker of workers) void worker.terminate();
  };
  try {
    await Promise.all(workers.map((worker) => ready(worker)));
    run.onReady?.();
    const results: SweepPointResult[] = new Array(points.length);
    let next = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(new EngineError('canceled', 'sweep canceled', { done }));
      run.signal?.addEventListener('abort', onAbort, { once: true });
      let running = workers.length;
      for (const worker of workers) {
        const feed = (): void => {
          if (next < points.length) worker.postMessage(points[next++]);
          else {
            worker.postMessage(null);
            if (--running === 0) {
              run.signal?.removeEventListener('abort', onAbort);
              resolve();
            }
          }
        };
        worker.on('message', (result: SweepPointResult) => {
          results[result.index] = result;
          done++;
          run.onPoint?.(result, done, points.length);
          feed();
        });
        worker.on('error', reject);
        feed();
      }
    });
    return results;
  } finally {
    stopAll();
  }
}

function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
}
