/**
 * spec 02-opmas acceptance 20 (NATS tier): killing and restarting the orchestrator loses and duplicates nothing
 * (`Nats-Msg-Id`, acknowledgement after commit); two worker nodes share the partitions and produce the same findings
 * as one. Each test gets its own `nats-server -js`, stopped after the nodes closed.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { buildTestApp, restartOn, type TestPlatform, type TestUser } from '@platform/testing';
import { natsTierSkipReason, startNatsServer } from '@platform/testing/nats-server.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import type { FastifyInstance } from 'fastify';
import { findingEvents, findings } from '../findings/finding.tables.ts';
import { FINDINGS_STREAM, ORCHESTRATOR_CONSUMER } from '../findings/finding-events.stream.ts';
import { opmasApp } from '../opmas.app.ts';
import { findingConsumerOf } from '../orchestrator/orchestrator-runtime.ts';
import { replay } from '../tools/replay-sender.ts';
import { readCorpus, replayLines } from '../tools/replay-source.ts';
import { agentHostOf, partitionLeasesOf } from './agent-runtime.ts';
import { partitionOf } from './state-checkpoint.ts';

const PARTITIONS = 16;
const NODE_ENV = {
  OPMAS_SYSLOG_HOST: '127.0.0.1',
  OPMAS_SYSLOG_UDP_PORT: '0',
  OPMAS_SYSLOG_TCP_PORT: 'off',
  OPMAS_PARTITIONS: String(PARTITIONS),
  OPMAS_LEASE_TTL_MS: '1500',
  OPMAS_LEASE_RENEW_MS: '300',
  OPMAS_JS_ACK_WAIT_MS: '1000',
};

interface Node {
  app: FastifyInstance;
  kernel: Kernel;
  close(): Promise<void>;
}

/** Cleanups run last-registered first, so the NATS server (registered first) stops after every node closed. */
function cleanupStack(t: TestContext): (cleanup: () => Promise<unknown>) => void {
  const stack: (() => Promise<unknown>)[] = [];
  t.after(async () => {
    for (const cleanup of stack.reverse()) await cleanup();
  });
  return (cleanup) => stack.push(cleanup);
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => Promise<boolean>, description: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await sleep(50);
  }
}

async function udpPort(node: Node, admin: TestUser): Promise<number> {
  const response = await node.app.inject({ url: '/opmas/api/v1/logs/status', headers: admin.headers });
  const { listeners } = response.json() as { listeners: { transport: string; port: number }[] };
  return (listeners.find((listener) => listener.transport === 'udp') ?? assert.fail('udp listener')).port;
}

/** Every line of the corpus from each of `devices` devices (`ap-1 …`): `devices` loops, round-robin. */
async function sendCorpus(dir: string, port: number, devices: number): Promise<number> {
  const lines = readCorpus(join(dir, 'openwrt-logread.txt'));
  const summary = await replay({
    target: `udp://127.0.0.1:${port}`,
    rate: 2000,
    lines: replayLines(lines, { loops: devices, devices, format: 'openwrt', rotateIps: false, retime: false }),
  });
  assert.equal(summary.errors, 0);
  return summary.sent;
}

/** What identifies a finding's outcome (acceptance 15's comparison set). */
async function findingSet(platform: TestPlatform): Promise<string[]> {
  const rows = await platform.database.orm.select().from(findings);
  return rows
    .map((row) =>
      [
        row.ruleId,
        row.device,
        row.groupKey,
        row.eventCount,
        row.occurrences,
        row.firstSeen.toISOString(),
        row.lastSeen.toISOString(),
      ].join(' '),
    )
    .sort();
}

/** Waits until the stream stopped growing and the orchestrator acknowledged all of it. */
async function settled(kernel: Kernel): Promise<number> {
  const streams = kernel.streams ?? assert.fail('streams on NATS');
  let last = -1;
  let stableSince = Date.now();
  await until(async () => {
    const { messages } = await streams.state(FINDINGS_STREAM);
    const consumer = await streams.consumerState(FINDINGS_STREAM, ORCHESTRATOR_CONSUMER);
    if (messages !== last) {
      last = messages;
      stableSince = Date.now();
    }
    return consumer.pending === 0 && consumer.ackPending === 0 && Date.now() - stableSince > 1000;
  }, 'the findings stream to settle');
  return last;
}

describe('OPMAS worker nodes on NATS (acceptance 20)', { skip: natsTierSkipReason() }, () => {
  test('an orchestrator that is down loses nothing; redelivered events duplicate nothing', async (t) => {
    const dir = sharedData(t, 'opmas');
    if (!dir) return;
    const defer = cleanupStack(t);
    const nats = await startNatsServer();
    defer(() => nats.stop());
    const platform = await buildTestApp({ apps: [opmasApp], env: { ...NODE_ENV, NATS_URL: nats.url } });
    defer(() => platform.close());
    const admin = await platform.createUser('opmas-nodes-admin', ['admin']);

    // Node A ingests and evaluates, but its orchestrator is stopped: the events wait in the stream.
    const nodeA: Node = await restartOn(platform, [opmasApp], { startBackground: true });
    defer(() => nodeA.close());
    await (findingConsumerOf(nodeA.kernel) ?? assert.fail('orchestrator consumer')).stop();
    await sendCorpus(dir, await udpPort(nodeA, admin), 1);
    const streams = nodeA.kernel.streams ?? assert.fail('streams');
    await until(async () => {
      const { pending } = await streams.consumerState(FINDINGS_STREAM, ORCHESTRATOR_CONSUMER);
      return pending >= 4;
    }, 'finding events in the stream');
    await sleep(500);
    const waiting = await streams.consumerState(FINDINGS_STREAM, ORCHESTRATOR_CONSUMER);
    assert.deepEqual(await findingSet(platform), [], 'nothing is stored while the orchestrator is down');
    // The process dies without a goodbye.
    await nodeA.kernel.bus.close();
    await nodeA.close();

    // Restarted, the orchestrator stores every waiting event once: the 4 findings of acceptance 9/19.
    const nodeB: Node = await restartOn(platform, [opmasApp], { startBackground: true });
    defer(() => nodeB.close());
    const stored = await settled(nodeB.kernel);
    assert.equal(stored, waiting.pending, 'no event was added or lost by the restart');
    const afterRestart = await findingSet(platform);
    assert.deepEqual(
      afterRestart.map((row) => row.split(' ').slice(0, 4).join(' ')),
      [
        'health.clock_jump OpenWrt  1',
        'health.oom OpenWrt  1',
        'wifi.radio_down OpenWrt iface= 1',
        'wifi.radio_down OpenWrt iface=wlan0 2',
      ].map((row) => row.replaceAll('OpenWrt', '127_0_0_1')),
    );
    const claimed = (await platform.database.orm.select().from(findingEvents)).length;

    // Every acknowledgement lost at once (the worst crash between commit and ack): all events come again.
    await nodeB.close();
    const manager = platform.kernel.streams ?? assert.fail('streams');
    assert.ok(await manager.removeConsumer(FINDINGS_STREAM, ORCHESTRATOR_CONSUMER));
    const nodeC: Node = await restartOn(platform, [opmasApp], { startBackground: true });
    defer(() => nodeC.close());
    await settled(nodeC.kernel);
    const redelivered = await nodeC.kernel.streams?.consumerState(FINDINGS_STREAM, ORCHESTRATOR_CONSUMER);
    assert.equal(redelivered?.pending, 0);
    assert.deepEqual(await findingSet(platform), afterRestart, 'redelivered events change nothing');
    assert.equal((await platform.database.orm.select().from(findingEvents)).length, claimed);

    // A repeated message id inside the duplicate window is not stored twice.
    const [event] = await platform.database.orm.select().from(findingEvents).limit(1);
    assert.deepEqual(await manager.publish('opmas.findings.health', { kind: 'fired' }, { messageId: event.eventId }), {
      duplicate: true,
    });
  });

  test('two worker nodes share the partitions and produce the same findings as one', async (t) => {
    const dir = sharedData(t, 'opmas');
    if (!dir) return;
    const defer = cleanupStack(t);
    const devices = 4;

    // One node.
    const natsOne = await startNatsServer();
    defer(() => natsOne.stop());
    const single = await buildTestApp({ apps: [opmasApp], env: { ...NODE_ENV, NATS_URL: natsOne.url } });
    defer(() => single.close());
    const singleAdmin = await single.createUser('opmas-single-admin', ['admin']);
    const lone: Node = await restartOn(single, [opmasApp], { startBackground: true });
    defer(() => lone.close());
    assert.equal(partitionLeasesOf(lone.kernel)?.held().length, PARTITIONS, 'a lone node holds every partition');
    const sent = await sendCorpus(dir, await udpPort(lone, singleAdmin), devices);
    await until(async () => (await findingSet(single)).length > 0, 'findings of one node');
    await settled(lone.kernel);
    const expected = await findingSet(single);

    // Two nodes on another database and server: they split the partitions before traffic starts.
    const natsTwo = await startNatsServer();
    defer(() => natsTwo.stop());
    const shared = await buildTestApp({ apps: [opmasApp], env: { ...NODE_ENV, NATS_URL: natsTwo.url } });
    defer(() => shared.close());
    const admin = await shared.createUser('opmas-shared-admin', ['admin']);
    const nodeA: Node = await restartOn(shared, [opmasApp], { startBackground: true });
    defer(() => nodeA.close());
    const nodeB: Node = await restartOn(shared, [opmasApp], { startBackground: true });
    defer(() => nodeB.close());
    const leasesA = partitionLeasesOf(nodeA.kernel) ?? assert.fail('leases of A');
    const leasesB = partitionLeasesOf(nodeB.kernel) ?? assert.fail('leases of B');
    await until(
      async () =>
        leasesA.held().length === PARTITIONS / 2 &&
        leasesB.held().length === PARTITIONS / 2 &&
        new Set([...leasesA.held(), ...leasesB.held()]).size === PARTITIONS,
      'the partitions to be split between the nodes',
    );
    const ownerOf = (device: string) => (leasesA.held().includes(partitionOf(device, PARTITIONS)) ? 'A' : 'B');
    const owners = new Set(Array.from({ length: devices }, (_, n) => ownerOf(`ap-${n + 1}`)));
    assert.deepEqual([...owners].sort(), ['A', 'B'], 'the devices land on both nodes');

    assert.equal(await sendCorpus(dir, await udpPort(nodeA, admin), devices), sent);
    await until(async () => (await findingSet(shared)).length >= expected.length, 'findings of two nodes');
    await settled(nodeA.kernel);
    assert.deepEqual(await findingSet(shared), expected);
    const matched = (kernel: Kernel) => {
      const host = agentHostOf(kernel) ?? assert.fail('agent host');
      return host.ruleIds().reduce((sum, id) => sum + (host.stats(id)?.matches ?? 0), 0);
    };
    assert.ok(matched(nodeA.kernel) > 0, 'node A evaluated its devices');
    assert.ok(matched(nodeB.kernel) > 0, 'node B evaluated its devices');
  });
});
