/**
 * Bench smoke (spec 02-opmas acceptance 30): 2 s of the real corpus at 10k msg/s over UDP into the app; every datagram
 * is accounted for: sent = accepted + dropped_queue + kernel receive-buffer drops (±0.1 %). No timing assertion.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { sharedData } from '@platform/testing/shared-data.ts';
import { opmasApp } from '../../apps/opmas/server/opmas.app.ts';
import { replay } from '../../apps/opmas/server/tools/replay-sender.ts';
import { readCorpus, replayLines } from '../../apps/opmas/server/tools/replay-source.ts';
import { udpRcvbufErrors } from './udp-stats.ts';

test('2 s at 10k msg/s over UDP: sent = accepted + dropped_queue + kernel drops (acceptance 30)', async (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const platform = await buildTestApp({
    apps: [opmasApp],
    startBackground: true,
    env: { OPMAS_SYSLOG_HOST: '127.0.0.1', OPMAS_SYSLOG_UDP_PORT: '0', OPMAS_SYSLOG_TCP_PORT: 'off' },
  });
  t.after(() => platform.close());
  const admin = await platform.createUser('opmas-smoke-admin', ['admin']);
  const status = async () =>
    (await platform.app.inject({ url: '/opmas/api/v1/logs/status', headers: admin.headers })).json();
  const udp = (await status()).listeners.find((listener: { transport: string }) => listener.transport === 'udp');
  const corpus = [...readCorpus(join(dir, 'openwrt-logread.txt')), ...readCorpus(join(dir, 'synthetic-firewall.txt'))];
  const kernelBefore = udpRcvbufErrors();
  const summary = await replay({
    target: `udp://127.0.0.1:${udp.port}`,
    rate: 10_000,
    maxSeconds: 2,
    lines: replayLines(corpus, { loops: 10_000, devices: 50, format: 'openwrt', rotateIps: true, retime: false }),
  });
  assert.ok(summary.sent > 1000, `sent ${summary.sent}`);
  // Settled: the queue is empty and the counters stop moving.
  let previous = -1;
  for (let stable = 0; stable < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { ingest } = await status();
    const seen = ingest.received;
    stable = seen === previous && ingest.queue_depth === 0 ? stable + 1 : 0;
    previous = seen;
  }
  const { transports } = await status();
  const accepted = transports.udp.accepted;
  const droppedQueue = transports.udp.dropped_by_reason.dropped_queue ?? 0;
  const otherDrops = transports.udp.dropped - droppedQueue;
  const kernelDrops = udpRcvbufErrors() - kernelBefore;
  const accounted = accepted + droppedQueue + otherDrops + kernelDrops;
  console.log(
    JSON.stringify({ sent: summary.sent, errors: summary.errors, accepted, droppedQueue, otherDrops, kernelDrops }),
  );
  assert.equal(summary.errors, 0);
  assert.ok(
    Math.abs(accounted - summary.sent) <= Math.max(1, summary.sent * 0.001),
    `sent ${summary.sent} vs accounted ${accounted}`,
  );
});
