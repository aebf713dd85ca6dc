/**
 * `npm run bench -- opmas-ingest [--seconds 10] [--rates 5000,10000,20000,40000,max] [--transports udp,tcp]`
 * (spec 02-opmas "Performance targets"): the same generator (the replayer library) and corpus (real + synthetic
 * lines in wire format, 50 devices, --rotate-ips) against OPMAS and against rsyslog in the same run, loopback only,
 * bounded. Prints sent, accepted, loss, kernel drops, findings, p50/p99 receive→finding, CPU and RSS per step, the
 * targets PASS/FAIL and the accepted-rate ratio to rsyslog at max load; exit 1 on FAIL with BENCH_STRICT=1.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { replay } from '../../apps/opmas/server/tools/replay-sender.ts';
import { readCorpus, replayLines } from '../../apps/opmas/server/tools/replay-source.ts';
import { findRsyslogd, type Receiver, startOpmas, startRsyslog } from './peers.ts';
import { udpRcvbufErrors } from './udp-stats.ts';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rates: { type: 'string', default: '5000,10000,20000,40000,max' },
    transports: { type: 'string', default: 'udp,tcp' },
    shared: { type: 'string', default: join(import.meta.dirname, '../../../shared/data/opmas') },
  },
});
const seconds = Number(values.seconds);
const rates = values.rates.split(',').map((rate) => (rate === 'max' ? Number.POSITIVE_INFINITY : Number(rate)));
const transports = values.transports.split(',') as ('udp' | 'tcp')[];
const corpus = [
  ...readCorpus(join(values.shared, 'openwrt-logread.txt')),
  ...readCorpus(join(values.shared, 'synthetic-firewall.txt')),
];

interface Row {
  receiver: string;
  transport: string;
  target: string;
  sent: number;
  accepted: number;
  loss: number;
  kernelDrops: number;
  acceptedRate: number;
  findings?: number;
  p50?: number;
  p99?: number;
  cpu: number;
  rss: number;
}

/** Quantile of a Prometheus histogram delta (linear inside the bucket). */
function quantile(before: string, after: string, q: number): number | undefined {
  const buckets = (text: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('opmas_pipeline_latency_seconds_bucket{'))
      .map((line) => {
        const le = line.match(/le="([^"]+)"/)?.[1] ?? '+Inf';
        const bound = le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le);
        return [bound, Number(line.slice(line.lastIndexOf(' ') + 1))] as [number, number];
      });
  const start = new Map(buckets(before));
  const delta = buckets(after).map(([le, count]) => [le, count - (start.get(le) ?? 0)] as const);
  const total = delta.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  let previousLe = 0;
  let previousCount = 0;
  for (const [le, count] of delta) {
    if (count >= q * total) {
      if (!Number.isFinite(le)) return previousLe;
      return previousLe + ((le - previousLe) * (q * total - previousCount)) / Math.max(1, count - previousCount);
    }
    previousLe = le;
    previousCount = count;
  }
  return undefined;
}

const findingsOf = (text: string) =>
  text
    .split('\n')
    .filter((line) => line.startsWith('opmas_findings_total{'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);

/** Waits until the receiver's accepted count stops moving (at most about a minute). */
async function settle(receiver: Receiver, transport: 'udp' | 'tcp'): Promise<number> {
  let previous = -1;
  const deadline = Date.now() + 60_000;
  for (let stable = 0; stable < 2 && Date.now() < deadline; ) {
    await sleep(500);
    const now = (await receiver.accepted())[transport];
    stable = now === previous ? stable + 1 : 0;
    previous = now;
  }
  return previous;
}

async function step(receiver: Receiver, transport: 'udp' | 'tcp', rate: number): Promise<Row> {
  const opmas = 'metrics' in receiver ? (receiver as Receiver & { metrics(): Promise<string> }) : undefined;
  const acceptedBefore = (await receiver.accepted())[transport];
  const metricsBefore = (await opmas?.metrics()) ?? '';
  const kernelBefore = udpRcvbufErrors();
  const cpuBefore = receiver.cpuSeconds();
  const started = performance.now();
  const port = transport === 'udp' ? receiver.udpPort : receiver.tcpPort;
  const summary = await replay({
    target: `${transport}://127.0.0.1:${port}`,
    rate: Number.isFinite(rate) ? rate : 10_000_000,
    maxSeconds: seconds,
    lines: replayLines(corpus, { loops: 1_000_000, devices: 50, format: 'openwrt', rotateIps: true, retime: false }),
  });
  const accepted = (await settle(receiver, transport)) - acceptedBefore;
  const metricsAfter = (await opmas?.metrics()) ?? '';
  // CPU share over the whole step, sending and draining included.
  const cpu = (receiver.cpuSeconds() - cpuBefore) / ((performance.now() - started) / 1000);
  return {
    receiver: receiver.name,
    transport,
    target: Number.isFinite(rate) ? String(rate) : 'max',
    sent: summary.sent,
    accepted,
    loss: summary.sent ? 1 - accepted / summary.sent : 0,
    kernelDrops: udpRcvbufErrors() - kernelBefore,
    acceptedRate: accepted / seconds,
    findings: opmas ? findingsOf(metricsAfter) - findingsOf(metricsBefore) : undefined,
    p50: opmas ? quantile(metricsBefore, metricsAfter, 0.5) : undefined,
    p99: opmas ? quantile(metricsBefore, metricsAfter, 0.99) : undefined,
    cpu,
    rss: receiver.peakRssMiB(),
  };
}

const fmt = (value: number | undefined, digits = 0) => (value === undefined ? '-' : value.toFixed(digits));

async function main(): Promise<void> {
  const rsyslogBinary = findRsyslogd();
  const receivers: Receiver[] = [await startOpmas()];
  if (rsyslogBinary) receivers.push(await startRsyslog(rsyslogBinary));
  else console.log('peer unavailable: rsyslogd not installed (Debian package rsyslog)');
  const rows: Row[] = [];
  try {
    for (const transport of transports) {
      for (const rate of rates) {
        for (const receiver of receivers) {
          const row = await step(receiver, transport, rate);
          rows.push(row);
          console.log(
            [
              row.receiver.padEnd(8),
              row.transport,
              `target ${row.target.padStart(6)}/s`,
              `sent ${row.sent}`,
              `accepted ${row.accepted} (${fmt(row.acceptedRate)}/s)`,
              `loss ${(row.loss * 100).toFixed(2)} %`,
              `kernel drops ${row.kernelDrops}`,
              row.findings === undefined ? '' : `findings ${row.findings}`,
              row.p50 === undefined ? '' : `p50 ${fmt(row.p50 * 1000)} ms p99 ${fmt((row.p99 ?? 0) * 1000)} ms`,
              `cpu ${fmt(row.cpu * 100)} %`,
              `peak rss ${fmt(row.rss)} MiB`,
            ]
              .filter(Boolean)
              .join('  '),
          );
        }
      }
    }
  } finally {
    for (const receiver of receivers) await receiver.stop();
  }
  const find = (receiver: string, transport: string, target: string) =>
    rows.find((row) => row.receiver === receiver && row.transport === transport && row.target === target);
  const targets: [string, boolean | undefined][] = [
    [
      'UDP loss ≤ 0.1 % at 10k msg/s',
      find('opmas', 'udp', '10000') && (find('opmas', 'udp', '10000')?.loss ?? 1) <= 0.001,
    ],
    [
      'UDP loss ≤ 1 % at 20k msg/s',
      find('opmas', 'udp', '20000') && (find('opmas', 'udp', '20000')?.loss ?? 1) <= 0.01,
    ],
    ['TCP no loss at max', find('opmas', 'tcp', 'max') && (find('opmas', 'tcp', 'max')?.loss ?? 1) <= 0],
    ['TCP ≥ 50k msg/s', find('opmas', 'tcp', 'max') && (find('opmas', 'tcp', 'max')?.acceptedRate ?? 0) >= 50_000],
    ['p99 receive→finding < 500 ms at 10k msg/s', (find('opmas', 'udp', '10000')?.p99 ?? 1) < 0.5],
  ];
  let failed = false;
  for (const [name, ok] of targets) {
    if (ok === undefined) continue;
    console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}`);
    failed ||= !ok;
  }
  for (const transport of transports) {
    const ours = find('opmas', transport, 'max');
    const peer = find('rsyslog', transport, 'max');
    if (ours && peer?.acceptedRate) {
      console.log(
        `${transport.toUpperCase()} at max: opmas ${fmt(ours.acceptedRate)}/s vs rsyslog ${fmt(peer.acceptedRate)}/s = ×${(ours.acceptedRate / peer.acceptedRate).toFixed(3)}`,
      );
    }
  }
  if (failed && process.env.BENCH_STRICT === '1') process.exit(1);
}

await main();
