import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { connect as connectTcp, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { sql } from 'drizzle-orm';
import { opmasApp } from '../opmas.app.ts';
import { captureBus, selfSignedCertificate, waitFor, wireLines } from './ingest-test-kit.ts';
import type { ListenerStatus } from './listener.ts';

const STATUS = '/opmas/api/v1/logs/status';

/** Framings of spec "Framing" for TCP/TLS: each turns a list of lines into one byte stream. */
const FRAMINGS: Record<string, (lines: string[]) => Buffer> = {
  lf: (lines) => Buffer.from(lines.map((line) => `${line}\n`).join('')),
  crlf: (lines) => Buffer.from(lines.map((line) => `${line}\r\n`).join('')),
  nul: (lines) => Buffer.from(lines.map((line) => `${line}\0`).join('')),
  octet: (lines) => Buffer.concat(lines.map((line) => Buffer.from(`${Buffer.byteLength(line)} ${line}`))),
};

/** Writes the stream in chunks of varying size (frames split across reads) and ends the connection. */
async function sendStream(socket: Socket, stream: Buffer): Promise<void> {
  for (let offset = 0, size = 1; offset < stream.length; offset += size, size = (size * 7) % 97 || 1) {
    socket.write(stream.subarray(offset, offset + size));
  }
  await new Promise<void>((resolve) => socket.end(resolve));
}

const closed = (socket: Socket) => new Promise<void>((resolve) => socket.once('close', () => resolve()));

describeEachEngine('opmas syslog listeners', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let ports: Record<string, number>;

  before(async () => {
    const tls = selfSignedCertificate();
    platform = await buildTestApp({
      apps: [opmasApp],
      databaseUrl: await newDatabaseUrl(),
      startBackground: true,
      env: {
        OPMAS_SYSLOG_HOST: '127.0.0.1',
        OPMAS_SYSLOG_UDP_PORT: '0',
        OPMAS_SYSLOG_TCP_PORT: '0',
        OPMAS_SYSLOG_TLS_PORT: '0',
        OPMAS_SYSLOG_TLS_CERT: tls.cert,
        OPMAS_SYSLOG_TLS_KEY: tls.key,
        OPMAS_TCP_MAX_FRAME_BYTES: '4096',
        OPMAS_TCP_IDLE_TIMEOUT_S: '1',
      },
    });
    admin = await platform.createUser('opmas-admin', ['admin']);
    const status = await platform.app.inject({ method: 'GET', url: STATUS, headers: admin.headers });
    const listeners: ListenerStatus[] = status.json().listeners;
    assert.deepEqual(
      listeners.map(({ transport, bound }) => [transport, bound]),
      [
        ['udp', true],
        ['tcp', true],
        ['tls', true],
      ],
    );
    ports = Object.fromEntries(listeners.map((listener) => [listener.transport, listener.port ?? 0]));
  });
  after(async () => {
    await platform.close();
  });

  test('UDP: every real line arrives parsed, classified and batched per domain and device', async (t) => {
    const lines = wireLines(t, 'ap-udp');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    const socket = createSocket('udp4');
    for (const line of lines) {
      await new Promise<void>((resolve, reject) =>
        socket.send(`${line}\n`, ports.udp, '127.0.0.1', (error) => (error ? reject(error) : resolve())),
      );
    }
    socket.close();
    await waitFor(() => bus.eventsOf('ap-udp').length === lines.length, `${lines.length} UDP events`);
    await waitFor(() => bus.registered.some((event) => event.device === 'ap-udp'), 'the registration event');
    bus.stop();

    for (const { subject, batch } of bus.batches) {
      assert.equal(subject, `opmas.logs.${batch.domain}.ap-udp`);
      assert.equal(batch.v, 1);
      assert.ok(batch.events.length <= 100);
      for (const event of batch.events) assert.equal(event.domain, batch.domain);
    }
    const events = bus.eventsOf('ap-udp');
    // Per subject, events keep their sending order; across subjects every line is there once, raw kept.
    assert.deepEqual(events.map((event) => event.raw).sort(), [...lines].sort());
    const first = events.find((event) => event.raw === lines[0]);
    assert.ok(first);
    assert.equal(first.transport, 'udp');
    assert.equal(first.source_ip, '127.0.0.1');
    assert.equal(first.host, 'ap-udp');
    assert.equal(first.app, 'netifd');
    assert.equal(first.facility, 3);
    assert.equal(first.severity, 5);
    assert.equal(first.domain, 'connectivity');
    assert.equal(first.ok, true);
    const domains = new Set<string>(events.map((event) => event.domain));
    for (const domain of ['wifi', 'security', 'health', 'connectivity']) assert.ok(domains.has(domain), domain);

    assert.equal(bus.registered.filter((event) => event.device === 'ap-udp').length, 1);
    const rows = await platform.database.rows<{ identity: string; auto_registered: boolean; acknowledged: boolean }>(
      sql`select identity, auto_registered, acknowledged from opmas.devices where slug = 'ap-udp'`,
    );
    assert.deepEqual(rows, [{ identity: 'host:ap-udp', auto_registered: true, acknowledged: false }]);
  });

  for (const [framing, encode] of Object.entries(FRAMINGS)) {
    test(`TCP with ${framing} framing, split at arbitrary chunk boundaries`, async (t) => {
      const host = `ap-tcp-${framing}`;
      const lines = wireLines(t, host);
      if (!lines) return;
      const bus = captureBus(platform.kernel.bus);
      const socket = connectTcp(ports.tcp, '127.0.0.1');
      await sendStream(socket, encode(lines));
      await waitFor(() => bus.eventsOf(host).length === lines.length, `${lines.length} TCP events`);
      bus.stop();
      const events = bus.eventsOf(host);
      assert.deepEqual(events.map((event) => event.raw).sort(), [...lines].sort());
      assert.ok(events.every((event) => event.transport === 'tcp' && event.host === host));
      assert.ok(events.every((event) => !event.warnings.includes('no_trailer')));
    });
  }

  test('TCP: a last frame without trailer is delivered with no_trailer at EOF', async (t) => {
    const lines = wireLines(t, 'ap-tcp-eof');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    const socket = connectTcp(ports.tcp, '127.0.0.1');
    await sendStream(socket, Buffer.from(`${lines[0]}\n${lines[1]}`));
    await waitFor(() => bus.eventsOf('ap-tcp-eof').length === 2, 'two events');
    bus.stop();
    const last = bus.eventsOf('ap-tcp-eof').find((event) => event.raw === lines[1]);
    assert.deepEqual(last?.warnings, ['no_trailer']);
  });

  test('TLS carries LF and octet-counted frames', async (t) => {
    const lines = wireLines(t, 'ap-tls');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    const socket = connectTls({ port: ports.tls, host: '127.0.0.1', rejectUnauthorized: false });
    await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
    const half = Math.floor(lines.length / 2);
    socket.write(Buffer.concat([FRAMINGS.lf(lines.slice(0, half)), FRAMINGS.octet(lines.slice(half))]));
    await new Promise<void>((resolve) => socket.end(resolve));
    await waitFor(() => bus.eventsOf('ap-tls').length === lines.length, `${lines.length} TLS events`);
    bus.stop();
    const events = bus.eventsOf('ap-tls');
    assert.deepEqual(events.map((event) => event.raw).sort(), [...lines].sort());
    assert.ok(events.every((event) => event.transport === 'tls'));
  });

  test('an oversized frame and an idle connection are closed and counted', async () => {
    const big = connectTcp(ports.tcp, '127.0.0.1');
    const bigClosed = closed(big);
    big.write(Buffer.alloc(5000, 'a'));
    await bigClosed;
    const idle = connectTcp(ports.tcp, '127.0.0.1');
    const started = Date.now();
    await closed(idle);
    assert.ok(Date.now() - started >= 900, 'idle connection closed before OPMAS_TCP_IDLE_TIMEOUT_S');
    // The sockets live in the ingest worker: its counts reach the main thread with its next batch (≤ 5 ms).
    const frameErrors = async () =>
      (await platform.app.inject({ method: 'GET', url: STATUS, headers: admin.headers })).json().transports.tcp
        .frame_errors;
    let frame_errors = await frameErrors();
    for (const deadline = Date.now() + 2000; !(frame_errors.idle_timeout >= 1) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      frame_errors = await frameErrors();
    }
    assert.equal(frame_errors.frame_too_large, 1);
    assert.ok(frame_errors.idle_timeout >= 1);
  });

  test('OpenWrt default hostname: identity by source address, registered once', async (t) => {
    const lines = wireLines(t, 'OpenWrt');
    if (!lines) return;
    const bus = captureBus(platform.kernel.bus);
    const socket = createSocket('udp4');
    for (const line of lines.slice(0, 5)) {
      await new Promise<void>((resolve) => socket.send(line, ports.udp, '127.0.0.1', () => resolve()));
    }
    socket.close();
    await waitFor(() => bus.eventsOf('127_0_0_1').length === 5, 'five events of the address-named device');
    await waitFor(() => bus.registered.some((event) => event.device === '127_0_0_1'), 'the registration event');
    bus.stop();
    const rows = await platform.database.rows<{ identity: string }>(
      sql`select identity from opmas.devices where slug = '127_0_0_1'`,
    );
    assert.deepEqual(rows, [{ identity: 'ip:127.0.0.1' }]);
  });

  test('status counts every transport', async () => {
    const status = await platform.app.inject({ method: 'GET', url: STATUS, headers: admin.headers });
    assert.equal(status.statusCode, 200);
    const body = status.json();
    for (const transport of ['udp', 'tcp', 'tls']) {
      const counters = body.transports[transport];
      assert.ok(counters.received > 0, transport);
      assert.equal(counters.accepted + counters.dropped, counters.received, transport);
    }
    assert.equal(body.ingest.queue_depth, 0);
    assert.ok(body.last_message_at);
  });
});
