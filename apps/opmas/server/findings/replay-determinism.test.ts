import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { sharedData } from '@platform/testing/shared-data.ts';
import { opmasApp } from '../opmas.app.ts';
import { replay } from '../tools/replay-sender.ts';
import { readCorpus, replayLines } from '../tools/replay-source.ts';
import type { FindingView } from './finding.schema.ts';

/** The findings of the real and synthetic corpus replayed over TCP into a fresh instance at `rate` lines/s. */
async function findingsAfterReplay(lines: string[], rate: number): Promise<string[]> {
  const platform = await buildTestApp({
    apps: [opmasApp],
    startBackground: true,
    env: { OPMAS_SYSLOG_HOST: '127.0.0.1', OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: '0' },
  });
  try {
    const admin = await platform.createUser('opmas-replay-admin', ['admin']);
    const get = async (url: string) =>
      (await platform.app.inject({ url: `/opmas/api/v1${url}`, headers: admin.headers })).json();
    const tcp = (await get('/logs/status')).listeners.find((l: { transport: string }) => l.transport === 'tcp');
    const summary = await replay({
      target: `tcp://127.0.0.1:${tcp.port}`,
      rate,
      lines: replayLines(lines, { loops: 1, devices: 1, format: 'openwrt', rotateIps: false, retime: false }),
    });
    assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);
    // Settled when every line was evaluated and the stored findings stop changing.
    let previous = '';
    let stable = 0;
    for (const deadline = Date.now() + 20_000; stable < 3; ) {
      if (Date.now() > deadline) assert.fail(`findings did not settle: ${previous}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const status = await get('/logs/status');
      const items: FindingView[] = (await get('/findings?limit=200')).items;
      const current = JSON.stringify(items.map((f) => [f.id, f.event_count]));
      stable = status.ingest.accepted === lines.length && current === previous ? stable + 1 : 0;
      previous = current;
    }
    const items: FindingView[] = (await get('/findings?limit=200')).items;
    return items
      .map((f) => [f.rule_id, f.device, f.group_key, f.event_count, f.first_seen, f.last_seen].join(' '))
      .sort();
  } finally {
    await platform.close();
  }
}

// spec 02-opmas acceptance 15 (and the issue's "replaying the fixture corpus twice from fresh state gives identical
// findings; replay at 100× speed gives the same findings"), through the whole pipeline over TCP.
test('real + synthetic corpus over TCP: identical findings twice and at 100× the rate (acceptance 14, 15)', async (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const lines = [...readCorpus(join(dir, 'openwrt-logread.txt')), ...readCorpus(join(dir, 'synthetic-firewall.txt'))];
  const first = await findingsAfterReplay(lines, 1000);
  const second = await findingsAfterReplay(lines, 1000);
  const fast = await findingsAfterReplay(lines, 100_000);
  assert.deepEqual(second, first);
  assert.deepEqual(fast, first);
  const scans = first.filter((row) => row.startsWith('security.port_scan'));
  assert.equal(scans.length, 1, first.join('\n'));
  assert.match(scans[0], /^security\.port_scan \S+ src=203\.0\.113\.7 20 /);
  assert.ok(first.some((row) => row.startsWith('health.oom ')));
});
