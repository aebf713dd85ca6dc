import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { baseUrl, buildTestApp, type TestPlatform } from '@platform/testing';
import { type NatsServer, natsTierSkipReason, startNatsServer } from '@platform/testing/nats-server.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import { waitFor } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import { replay } from '../tools/replay-sender.ts';
import { readCorpus, replayLines } from '../tools/replay-source.ts';
import type { FindingView } from './finding.schema.ts';
import { FINDINGS_STREAM } from './finding-events.stream.ts';

const METRICS_TOKEN = 'opmas-metrics-token-0123456789';

/** One sample of a Prometheus text exposition, by name and exact label set (`{}` when none). */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

// spec 02-opmas acceptance 19 and 27: the real corpus over UDP to 127.0.0.1 → the 4 findings with evidence in the API, and
// the findings SSE stream delivers them; a status change follows on the stream.
test('UDP replay of the real corpus: 4 findings in the API and on the SSE stream (acceptance 19)', async (t) => {
  await replayCorpusAndStream(t, {});
});

// Acceptance 20, first clause: the same over NATS, where finding events travel through JetStream `OPMAS_FINDINGS`.
// The server outlives the app (file-level hook), so the app's graceful close still reaches it.
let nats: Promise<NatsServer> | undefined;
after(async () => {
  if (nats) await (await nats).stop();
});

test('the same over NATS: finding events are in the OPMAS_FINDINGS stream (acceptance 20)', {
  skip: natsTierSkipReason(),
}, async (t) => {
  nats ??= startNatsServer();
  const platform = await replayCorpusAndStream(t, { NATS_URL: (await nats).url });
  if (!platform) return;
  const streams = platform.kernel.streams ?? assert.fail('JetStream streams on NATS');
  const { messages } = await streams.state(FINDINGS_STREAM);
  assert.ok(messages >= 4, `${messages} finding events in ${FINDINGS_STREAM}`);
});

async function replayCorpusAndStream(t: TestContext, env: Record<string, string>): Promise<TestPlatform | undefined> {
  const dir = sharedData(t, 'opmas');
  if (!dir) return undefined;
  // Hooks run in registration order: the streams must end before the server waits for its connections to close.
  const controller = new AbortController();
  t.after(() => controller.abort());
  const platform = await buildTestApp({
    apps: [opmasApp],
    startBackground: true,
    listen: true,
    env: {
      OPMAS_SYSLOG_HOST: '127.0.0.1',
      OPMAS_SYSLOG_UDP_PORT: '0',
      OPMAS_SYSLOG_TCP_PORT: 'off',
      METRICS_TOKEN: METRICS_TOKEN,
      ...env,
    },
  });
  t.after(() => platform.close());
  const admin = await platform.createUser('opmas-stream-admin', ['admin']);
  const viewer = await platform.createUser('opmas-stream-viewer', ['viewer']);
  const api = `${baseUrl(platform)}/opmas/api/v1`;

  const anonymous = await fetch(`${api}/findings/stream`);
  assert.equal(anonymous.status, 401);
  await anonymous.body?.cancel();

  const response = await fetch(`${api}/findings/stream?domain=health`, {
    headers: viewer.headers,
    signal: controller.signal,
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const health: { event: string; data: FindingView }[] = [];
  const all: { event: string; data: FindingView }[] = [];
  const everything = await fetch(`${api}/findings/stream`, { headers: viewer.headers, signal: controller.signal });
  const read = async (stream: Response, into: typeof health) => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of stream.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) into.push({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted at the end of the test
    }
  };
  void read(response, health);
  void read(everything, all);

  const status = await fetch(`${api}/logs/status`, { headers: admin.headers });
  const { listeners } = (await status.json()) as { listeners: { transport: string; port: number }[] };
  const udp = listeners.find((listener) => listener.transport === 'udp') ?? assert.fail('udp listener');
  const lines = readCorpus(join(dir, 'openwrt-logread.txt'));
  const summary = await replay({
    target: `udp://127.0.0.1:${udp.port}`,
    rate: 1000,
    lines: replayLines(lines, { loops: 1, devices: 1, format: 'openwrt', rotateIps: false, retime: false }),
  });
  assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);

  await waitFor(() => all.filter((e) => e.event === 'finding.created').length === 4, 'four created findings', 10_000);
  const created = all.filter((e) => e.event === 'finding.created').map((e) => `${e.data.rule_id} ${e.data.group_key}`);
  assert.deepEqual(created.sort(), [
    'health.clock_jump ',
    'health.oom ',
    'wifi.radio_down iface=',
    'wifi.radio_down iface=wlan0',
  ]);
  const listed = await fetch(`${api}/findings`, { headers: viewer.headers });
  const { items } = (await listed.json()) as { items: FindingView[] };
  assert.equal(items.length, 4);
  assert.ok(items.every((finding) => finding.evidence.length > 0 && finding.device === '127_0_0_1'));
  await waitFor(() => health.length >= 2, 'the health stream');
  assert.deepEqual(health.map((e) => e.data.rule_id).sort(), ['health.clock_jump', 'health.oom']);

  const oom = items.find((finding) => finding.rule_id === 'health.oom') ?? assert.fail('oom');
  const changed = await fetch(`${api}/findings/${oom.id}`, {
    method: 'PUT',
    headers: { ...admin.headers, 'content-type': 'application/json', origin: baseUrl(platform) },
    body: JSON.stringify({ status: 'investigating' }),
  });
  assert.equal(changed.status, 200, await changed.text());
  await waitFor(() => health.some((e) => e.event === 'finding.status_changed'), 'the status change on the stream');
  assert.equal(health.find((e) => e.event === 'finding.status_changed')?.data.status, 'investigating');

  // Acceptance 27: the metrics moved by the expected amounts.
  const metrics = await fetch(`${baseUrl(platform)}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  const text = await metrics.text();
  assert.equal(sample(text, 'opmas_ingest_messages_total', '{transport="udp",result="accepted"}'), lines.length);
  const findingsTotal = text
    .split('\n')
    .filter((row) => row.startsWith('opmas_findings_total{'))
    .reduce((sum, row) => sum + Number(row.slice(row.lastIndexOf(' ') + 1)), 0);
  assert.equal(findingsTotal, 4);
  assert.equal(sample(text, 'opmas_rule_matches_total', '{rule="wifi.radio_down"}'), 3);
  assert.equal(sample(text, 'opmas_rule_invalid_keys_total', '{rule="wifi.psk_mismatch"}'), 4);
  assert.ok((sample(text, 'opmas_pipeline_latency_seconds_count') ?? 0) >= 4);
  const grafana = JSON.parse(readFileSync(join(REPOSITORY, 'deploy/grafana/opmas.json'), 'utf8')) as GrafanaDashboard;
  const referenced = new Set(
    grafana.panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) => target.expr.match(/\bopmas_[a-z0-9_]+/g) ?? []),
    ),
  );
  const registered = new Set((await platform.kernel.metrics.registry.getMetricsAsJSON()).map((metric) => metric.name));
  const histogramParts = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
  for (const name of referenced) {
    assert.ok(registered.has(name) || registered.has(histogramParts(name)), `the dashboard's ${name} is registered`);
  }
  assert.ok(referenced.size >= 10);
  return platform;
}

interface GrafanaDashboard {
  panels: { targets?: { expr: string }[] }[];
}

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
