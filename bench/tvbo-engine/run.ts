/**
 * Engine bench (spec 03-tvbo §Performance, `tvbo-sim` and `tvbo-sweep`): DK 87, Generic2dOscillator defaults,
 * Linear coupling, Heun, TemporalAverage(1 ms), 1000 ms in one thread at dt 0.1 and 0.01220703125; then a 16-point
 * sweep on 1 vs 2 worker threads. Prints our figures next to the TVB reference figures quoted in the spec.
 * Run: node_modules/.bin/node bench/tvbo-engine/run.ts
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { coreModel } from '../../apps/tvbo/engine/src/model/library.ts';
import { buildNetwork } from '../../apps/tvbo/engine/src/sim/connectivity.ts';
import { simulate } from '../../apps/tvbo/engine/src/sim/simulator.ts';
import { loadDk, type PointMetrics } from './sweep-point.ts';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures =
  process.env.TVBO_FIXTURES_DIR ??
  resolve(process.env.SHARED_DATA_DIR ?? resolve(here, '../../../shared/data'), 'tvbo');
if (!existsSync(join(fixtures, 'connectome'))) {
  console.log(`tvbo-engine bench: fixtures unavailable at ${fixtures}`);
  process.exit(0);
}
const dk = loadDk(fixtures);

/** Reference figures of spec 03-tvbo §Performance (2-core reference machine). */
const REFERENCE = {
  0.1: { tvbPython: 0.99, nodePrototype: 0.215, target: 0.25 },
  0.01220703125: { tvbPython: 9.8, nodePrototype: 2.92, target: 3 },
} as const;

function simulationSeconds(dt: 0.1 | 0.01220703125): number {
  const run = (): number => {
    const start = performance.now();
    simulate({
      model: coreModel('Generic2dOscillator'),
      connectome: dk,
      network: { speed: 3, normalize: 'max' },
      coupling: { name: 'Linear' },
      integration: { method: 'Heun', dt, duration: 1000 },
      monitors: [{ name: 'TemporalAverage', period: 1 }],
    });
    return (performance.now() - start) / 1000;
  };
  run(); // warm-up: code generation and JIT
  return Math.min(run(), run());
}

// Timings on a shared machine are only meaningful next to its load: a busy second core caps the sweep speed-up.
console.log(
  `machine: ${availableParallelism()} cores, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);
console.log('tvbo-sim: DK 87, Generic2dOscillator, Linear, Heun, TemporalAverage(1 ms), 1000 ms, one thread');
for (const dt of [0.1, 0.01220703125] as const) {
  const horizon = buildNetwork(dk, { dt, speed: 3 }).horizon;
  const seconds = simulationSeconds(dt);
  const ref = REFERENCE[dt];
  console.log(
    `  dt ${dt} (H ${horizon}): ${seconds.toFixed(3)} s   target ≤ ${ref.target} s ${seconds <= ref.target ? 'met' : 'MISSED'}   ` +
      `TVB Python ${ref.tvbPython} s (×${(ref.tvbPython / seconds).toFixed(2)} faster)   Node prototype ${ref.nodePrototype} s`,
  );
}
console.log('  TVB peer: peer unavailable: TVB_LIBRARY_PATH not set (reference figures from the spec)');

const POINTS = Array.from({ length: 16 }, (_, k) => 0.001 + k * 0.002);
const SWEEP_DURATION = 500;

async function sweep(poolSize: number): Promise<{ seconds: number; metrics: PointMetrics[] }> {
  const workers = Array.from(
    { length: poolSize },
    () => new Worker(join(here, 'sweep-worker.ts'), { workerData: { fixtures, duration: SWEEP_DURATION } }),
  );
  await Promise.all(workers.map((w) => new Promise((ready) => w.once('message', ready))));
  const start = performance.now();
  const metrics: PointMetrics[] = new Array(POINTS.length);
  let next = 0;
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((done, fail) => {
          const feed = (): void => {
            if (next < POINTS.length) {
              const index = next++;
              worker.postMessage({ index, a: POINTS[index] });
            } else worker.postMessage(null);
          };
          worker.on('message', (msg: { index: number; metrics: PointMetrics }) => {
            metrics[msg.index] = msg.metrics;
            feed();
          });
          worker.on('error', fail);
          worker.on('exit', () => done());
          feed();
        }),
    ),
  );
  return { seconds: (performance.now() - start) / 1000, metrics };
}

console.log(`tvbo-sweep: 16 points of G2D on DK 87 (Linear a = 0.001…0.031), dt 0.1, ${SWEEP_DURATION} ms`);
const one = await sweep(1);
const two = await sweep(2);
const identical = JSON.stringify(one.metrics) === JSON.stringify(two.metrics);
const speedup = one.seconds / two.seconds;
console.log(
  `  1 worker: ${one.seconds.toFixed(2)} s   2 workers: ${two.seconds.toFixed(2)} s   speed-up ×${speedup.toFixed(2)} (target ≥ 1.8) ${speedup >= 1.8 ? 'met' : 'MISSED'}`,
);
console.log(`  metrics identical for pool sizes 1 and 2: ${identical}`);
console.log(
  `  sample point a=${one.metrics[4].a}: psd_peak_hz ${one.metrics[4].psd_peak_hz.toFixed(3)}, fc_corr ${one.metrics[4].fc_corr.toFixed(4)}`,
);
