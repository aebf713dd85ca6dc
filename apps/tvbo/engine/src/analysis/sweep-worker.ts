/** worker_threads entry of the sweep pool: receives the sweep once, then computes the points it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import type { SimulationConfig } from '../sim/simulator.ts';
import { runSweepPoint, type SweepPoint, type SweepSpec } from './sweep.ts';

const { base, spec } = workerData as { base: SimulationConfig; spec: SweepSpec };
parentPort!.on('message', (point: SweepPoint | null) => {
  if (point === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage(runSweepPoint(base, spec, point));
});
parentPort!.postMessage('ready');
