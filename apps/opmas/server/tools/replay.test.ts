import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createSocket, type RemoteInfo } from 'node:dgram';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { promisify } from 'node:util';
import { buildTestApp } from '@platform/testing';
import { repoRoot, sharedData } from '@platform/testing/shared-data.ts';
import { captureBus, selfSignedCertificate, waitFor } from '../ingest/ingest-test-kit.ts';
import type { ListenerStatus } from '../ingest/listener.ts';
import { parseSyslog } from '../ingest/syslog-parser.ts';
import { logreadToWire } from '../ingest/wire-format.ts';
import { opmasApp } from '../opmas.app.ts';
import { replay } from './replay-sender.ts';
import { type Framing, readCorpus, replayLines, type StreamOptions } from './replay-source.ts';

const OPENWRT: StreamOptions = { loops: 1, devices: 1, format: 'openwrt', rotateIps: false, retime: false };
const IPV4 = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;

/** The real corpus, or undefined when the shared fixtures are absent (the test is then skipped). */
function corpus(t: TestContext): string[] | undefined {
  const dir = sharedData(t, 'opmas');
  return dir ? readCorpus(join(dir, 'openwrt-logread.txt')) : undefined;
}

/** A UDP receiver on an ephemeral loopback port, closed when the test ends. */
async function udpReceiver(t: TestContext) {
  const received: { text: string; from: RemoteInfo }[] = [];
  const socket = createSocket('udp4').on('message', (data, from) => received.push({ text: data.toString(), from }));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  t.after(() => socket.close());
  return { received, target: `udp://127.0.0.1:${socket.address().port}` };
}

/** Splits a received TCP stream back into lines per framing. */
function decode(stream: Buffer, framing: Framing): string[] {
  if (framing !== 'octet')
    return stream
      .toString()
      .split(framing === 'lf' ? '\n' : '\0')
      .slice(0, -1);
  const lines: string[] = [];
  for (let offset = 0; offset < stream.length; ) {
    const space = stream.indexOf(0x20, offset);
    const end = space + 1 + Number(stream.subarray(offset, space).toString());
    lines.push(stream.subarray(space + 1, end).toString());
    offset = end;
  }
  return lines;
}

test('UDP: every line arrives converted, hostnames ap-1 … ap-3 round-robin', async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const { received, target } = await udpReceiver(t);
  const summary = await replay({ target, rate: 5000, lines: replayLines(lines, { ...OPENWRT, devices: 3 }) });
  assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);
  await waitFor(() => received.length === lines.length, `${lines.length} datagrams`);
  const expected = lines.map((line, index) => logreadToWire(line, `ap-${(index % 3) + 1}`));
  assert.deepEqual(
    received.map(({ text }) => text),
    expected,
  );
  for (const host of ['ap-1', 'ap-2', 'ap-3'])
    assert.ok(
      expected.some((line) => line.includes(` ${host} `)),
      host,
    );
});

test('UDP --distinct-sources: each device sends from its own 127.0.0.x', async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const { received, target } = await udpReceiver(t);
  await replay({ target, rate: 5000, distinctSources: true, lines: replayLines(lines, { ...OPENWRT, devices: 3 }) });
  await waitFor(() => received.length === lines.length, `${lines.length} datagrams`);
  for (const { text, from } of received) {
    const host = / (ap-\d) /.exec(text)?.[1];
    if (host) assert.equal(from.address, `127.0.0.${host.slice(3)}`, text);
  }
});

for (const framing of ['lf', 'nul', 'octet'] as const) {
  test(`TCP with ${framing} framing decodes back to the same lines`, async (t) => {
    const lines = corpus(t);
    if (!lines) return;
    const streams: Buffer[] = [];
    const server = createTcpServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk)).on('end', () => streams.push(Buffer.concat(chunks)));
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => server.close());
    const target = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const summary = await replay({ target, framing, rate: 5000, lines: replayLines(lines, OPENWRT) });
    assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);
    await waitFor(() => streams.length === 1, 'the connection to end');
    assert.deepEqual(
      decode(streams[0], framing),
      lines.map((line) => logreadToWire(line)),
    );
  });
}

test('TLS: --insecure accepts a self-signed listener; otherwise the refused certificate is counted', async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const { cert, key } = selfSignedCertificate();
  const received: string[] = [];
  const server = createTlsServer({ cert: readFileSync(cert), key: readFileSync(key) }, (socket) => {
    const chunks: Buffer[] = [];
    socket
      .on('data', (chunk) => chunks.push(chunk))
      .on('end', () => received.push(...decode(Buffer.concat(chunks), 'lf')));
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const target = `tls://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const summary = await replay({ target, insecure: true, rate: 5000, lines: replayLines(lines, OPENWRT) });
  assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);
  await waitFor(() => received.length === lines.length, 'every TLS line');
  assert.deepEqual(
    received,
    lines.map((line) => logreadToWire(line)),
  );
  const refused = await replay({ target, rate: 5000, lines: replayLines(lines.slice(0, 3), OPENWRT) });
  assert.deepEqual([refused.sent, refused.errors], [0, 3]);
});

test('--rotate-ips moves IPv4s into 198.18.0.0/15, new per loop, the same for the same loop', (t) => {
  const lines = corpus(t)?.filter((line) => line.match(IPV4));
  if (!lines) return;
  assert.ok(lines.length > 5);
  const options = { ...OPENWRT, loops: 2, rotateIps: true };
  const first = [...replayLines(lines, options)].map(({ text }) => text);
  assert.deepEqual(
    [...replayLines(lines, options)].map(({ text }) => text),
    first,
    'deterministic',
  );
  const [loop0, loop1] = [first.slice(0, lines.length), first.slice(lines.length)];
  for (const text of first) {
    const addresses = text.match(IPV4) ?? [];
    assert.ok(addresses.length > 0, text);
    for (const address of addresses) assert.match(address, /^198\.1[89]\.\d+\.\d+$/, text);
  }
  for (let i = 0; i < lines.length; i++) assert.notDeepEqual(loop0[i].match(IPV4), loop1[i].match(IPV4), lines[i]);
  assert.equal(loop0[0].replace(IPV4, 'IP'), logreadToWire(lines[0]).replace(IPV4, 'IP'), 'only addresses change');
});

test('--retime writes the send time; without it the corpus time is kept', (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const clock = () => new Date('2030-06-05T07:08:09Z');
  const [kept] = replayLines(lines, OPENWRT, clock);
  const [retimed] = replayLines(lines, { ...OPENWRT, retime: true }, clock);
  assert.equal(kept.text, logreadToWire(lines[0]));
  assert.equal(retimed.text, logreadToWire(lines[0]).replace(/^(<\d+>).{15}/, '$1Jun  5 07:08:09'));
  assert.notEqual(retimed.text, kept.text);
});

test('--format rfc5424 parses to the same PRI, host, app, pid and message as the BSD wire line', (t) => {
  const lines = corpus(t)?.filter((line) => logreadToWire(line) !== line);
  if (!lines) return;
  const context = { receivedAt: Date.parse('2025-01-01T00:00:00Z') };
  const rfc5424 = [...replayLines(lines, { ...OPENWRT, format: 'rfc5424' })];
  assert.equal(rfc5424[0].text, "<29>1 2024-03-19T20:14:18Z OpenWrt netifd - - - Network device 'eth1' link is down");
  assert.ok(
    rfc5424.some(({ text }) => / dnsmasq-dhcp \d+ - - /.test(text)),
    'the PID becomes PROCID',
  );
  lines.forEach((line, index) => {
    const [wire, parsed] = [parseSyslog(logreadToWire(line), context), parseSyslog(rfc5424[index].text, context)];
    assert.equal(parsed.format, 'rfc5424', line);
    for (const field of ['pri', 'host', 'app', 'pid', 'msg'] as const) {
      assert.deepEqual(parsed[field], wire[field], `${field}: ${line}`);
    }
  });
});

test('rate pacing: N lines at rate R take at least about N/R', async (t) => {
  const lines = corpus(t)?.slice(0, 40);
  if (!lines) return;
  const { target } = await udpReceiver(t);
  const started = performance.now();
  const summary = await replay({ target, rate: 100, lines: replayLines(lines, OPENWRT) });
  assert.equal(summary.sent, 40);
  assert.ok(performance.now() - started >= 0.5 * (40 / 100) * 1000);
});

test('HTTP: JSON batches with the bearer token; a failing server is counted, not thrown', async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const requests: { url?: string; authorization?: string; logs: string[] }[] = [];
  let status = 202;
  const server = createHttpServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk);
    const { logs } = JSON.parse(Buffer.concat(chunks).toString());
    requests.push({ url: request.url, authorization: request.headers.authorization, logs });
    response.writeHead(status).end();
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => server.close());
  const target = `http://127.0.0.1:${(server.address() as AddressInfo).port}/opmas/api/v1/logs`;
  const options = { target, token: 't0ken', rate: 5000, httpBatchLines: 25 };
  const summary = await replay({ ...options, lines: replayLines(lines, OPENWRT) });
  assert.deepEqual([summary.sent, summary.errors], [lines.length, 0]);
  assert.equal(requests.length, Math.ceil(lines.length / 25));
  assert.ok(
    requests.every(({ url, authorization }) => url === '/opmas/api/v1/logs' && authorization === 'Bearer t0ken'),
  );
  assert.deepEqual(
    requests.flatMap(({ logs }) => logs),
    lines.map((line) => logreadToWire(line)),
  );
  status = 500;
  const failed = await replay({ ...options, lines: replayLines(lines, OPENWRT) });
  assert.deepEqual([failed.sent, failed.errors], [0, lines.length]);
});

test('an unreachable TCP target counts errors instead of throwing', async () => {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  const lines = replayLines(['a', 'b', 'c'], { ...OPENWRT, format: 'raw' });
  const summary = await replay({ target: `tcp://127.0.0.1:${port}`, rate: 1000, lines });
  assert.deepEqual([summary.sent, summary.errors], [0, 3]);
});

test('a non-loopback target is refused unless given explicitly', async () => {
  await assert.rejects(replay({ target: 'udp://192.0.2.1:5514', lines: [] }), /non-loopback/);
  await assert.rejects(replay({ target: 'tcp://example.org:514', lines: [] }), /non-loopback/);
  // Given explicitly it is accepted; the aborted signal keeps the test from sending anything off the machine.
  const explicit = { target: 'udp://192.0.2.1:5514', allowRemote: true, signal: AbortSignal.abort() };
  assert.deepEqual(await replay({ ...explicit, lines: [{ text: 'x', device: 0 }] }), { sent: 0, errors: 0, rate: 0 });
});

test('max-seconds stops a looping run by itself', { timeout: 15_000 }, async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const { target } = await udpReceiver(t);
  const stream = replayLines(lines, { ...OPENWRT, loops: 1000 });
  const summary = await replay({ target, rate: 200, maxSeconds: 0.5, lines: stream });
  assert.ok(summary.sent > 0 && summary.sent < lines.length * 1000, JSON.stringify(summary));
});

test('the CLI replays to a UDP receiver and prints the JSON summary; bad arguments exit 2', async (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const { received, target } = await udpReceiver(t);
  const run = promisify(execFile);
  const node = join(repoRoot, 'node_modules/.bin/node');
  const cli = ['apps/opmas/server/tools/replay.ts', join(dir, 'openwrt-logread.txt')];
  const { stdout } = await run(node, [...cli, '--target', target, '--rate', '2000', '--devices', '2'], {
    cwd: repoRoot,
  });
  const summary = JSON.parse(stdout);
  assert.equal(summary.sent, readCorpus(join(dir, 'openwrt-logread.txt')).length);
  assert.equal(summary.errors, 0);
  assert.ok(summary.rate > 0);
  await waitFor(() => received.length === summary.sent, 'every datagram');
  await assert.rejects(
    run(node, [...cli, '--framing', 'crlf'], { cwd: repoRoot }),
    (error: { code: number; stderr: string }) => {
      assert.equal(error.code, 2);
      assert.match(error.stderr, /usage: npm run opmas:replay/);
      return true;
    },
  );
});

test('replaying into the real app auto-registers ap-1, ap-2 and ap-3', async (t) => {
  const lines = corpus(t);
  if (!lines) return;
  const platform = await buildTestApp({
    apps: [opmasApp],
    startBackground: true,
    env: { OPMAS_SYSLOG_HOST: '127.0.0.1', OPMAS_SYSLOG_UDP_PORT: '0', OPMAS_SYSLOG_TCP_PORT: 'off' },
  });
  t.after(() => platform.close());
  const admin = await platform.createUser('replay-admin', ['admin']);
  const get = (url: string) => platform.app.inject({ method: 'GET', url, headers: admin.headers });
  const listeners: ListenerStatus[] = (await get('/opmas/api/v1/logs/status')).json().listeners;
  const udp = listeners.find((listener) => listener.transport === 'udp');
  assert.ok(udp?.bound && udp.port);
  const bus = captureBus(platform.kernel.bus);
  t.after(() => bus.stop());
  const lines3 = replayLines(lines, { ...OPENWRT, devices: 3 });
  await replay({ target: `udp://127.0.0.1:${udp.port}`, rate: 2000, lines: lines3 });
  const hosts = ['ap-1', 'ap-2', 'ap-3'];
  await waitFor(() => hosts.every((host) => bus.registered.some(({ device }) => device === host)), 'three devices');
  const devices: { slug: string; auto_registered: boolean }[] = (await get('/opmas/api/v1/devices?limit=100')).json()
    .items;
  for (const host of hosts) {
    assert.equal(devices.find(({ slug }) => slug === host)?.auto_registered, true, host);
  }
});
