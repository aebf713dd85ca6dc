/** worker_threads entry of the sweep bench: computes the points it is sent, one message per point. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadDk, runPoint } from './sweep-point.ts';

const connectome = loadDk(workerData.fixtures);
// Signal readiness so the bench times the sweep on a warm pool (threads, modules and data loaded), like piscina.
parentPort!.postMessage('ready');
parentPort!.on('message', (msg: { index: number; a: number } | null) => {
  if (msg === null) {
    parentPort!.close();
    return;
  }
  parentPort!.postMessage({ index: msg.index, metrics: runPoint(connectome, msg.a, workerData.duration) });
});
