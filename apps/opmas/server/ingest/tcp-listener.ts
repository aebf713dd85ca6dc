import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { PortSetting } from '../opmas-config.ts';
import { FrameDecoder } from './framing.ts';
import type { RawMessage } from './ingest-types.ts';
import {
  bindFirstPort,
  type ListenerDeps,
  type ListenerStatus,
  normalizeSourceIp,
  type SyslogListener,
} from './listener.ts';

export interface TlsFiles {
  cert: string;
  key: string;
  /** With a CA, client certificates are required (spec "Configuration" `OPMAS_SYSLOG_TLS_CA`). */
  ca?: string;
}

export interface TcpListenerOptions extends ListenerDeps {
  host: string;
  port: Exclude<PortSetting, 'off'>;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** Set → RFC 5425 syslog over TLS; unset → plain RFC 6587 TCP. */
  tls?: TlsFiles;
  warn: (details: object, message: string) => void;
}

/**
 * Syslog over TCP (RFC 6587) or TLS (RFC 5425): per-connection framing with `FrameDecoder` (octet counting or LF/NUL
 * trailers, decided per frame). Oversized frames, idle connections and truncated octet frames close the connection
 * (spec 02-opmas "Framing"). TCP never drops: `setPaused(true)` stops reading every socket until the queue drains.
 */
export class TcpListener implements SyslogListener {
  readonly transport: 'tcp' | 'tls';
  readonly #options: TcpListenerOptions;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #paused = false;
  #status: ListenerStatus;

  constructor(options: TcpListenerOptions) {
    this.#options = options;
    this.transport = options.tls ? 'tls' : 'tcp';
    this.#status = { transport: this.transport, address: options.host, port: null, bound: false };
  }

  get connections(): number {
    return this.#sockets.size;
  }

  status(): ListenerStatus {
    return { ...this.#status };
  }

  /** Binds the first port that works; a failure (including unreadable TLS files) is reported in `status()`. */
  async start(): Promise<void> {
    const result = await bindFirstPort(this.#options.port, (port) => this.#listen(port));
    if ('error' in result) {
      this.#status = { ...this.#status, bound: false, error: result.error };
      return;
    }
    this.#server = result.bound;
    const address = this.#server.address();
    if (address && typeof address === 'object') {
      this.#status = { transport: this.transport, address: address.address, port: address.port, bound: true };
    }
  }

  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    this.#status = { ...this.#status, bound: false };
    for (const socket of this.#sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Backpressure from the ingest queue: pause or resume reading on every connection. */
  setPaused(paused: boolean): void {
    this.#paused = paused;
    for (const socket of this.#sockets) {
      if (paused) socket.pause();
      else socket.resume();
    }
  }

  #createServer(): Server {
    const { tls } = this.#options;
    if (!tls) return createServer((socket) => this.#accept(socket));
    const server = createTlsServer(
      {
        cert: readFileSync(tls.cert),
        key: readFileSync(tls.key),
        ca: tls.ca ? readFileSync(tls.ca) : undefined,
        requestCert: Boolean(tls.ca),
        rejectUnauthorized: Boolean(tls.ca),
        minVersion: 'TLSv1.2',
      },
      (socket: TLSSocket) => this.#accept(socket),
    );
    // Handshake failures (e.g. a missing client certificate) are counted, never thrown.
    server.on('tlsClientError', (error) => {
      this.#options.counters.frameError('tls', 'handshake_failed');
      this.#options.warn({ err: error }, 'opmas TLS handshake failed');
    });
    return server;
  }

  #listen(port: number): Promise<Server> {
    const server = this.#createServer();
    server.maxConnections = this.#options.maxConnections;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: this.#options.host }, () => {
        server.off('error', reject);
        server.on('error', (error) => this.#options.warn({ err: error }, `opmas ${this.transport} listener error`));
        resolve(server);
      });
    });
  }

  #accept(socket: Socket): void {
    const { counters, sink, maxFrameBytes, idleTimeoutMs } = this.#options;
    const transport = this.transport;
    const sourceIp = normalizeSourceIp(socket.remoteAddress);
    const decoder = new FrameDecoder({ maxFrameBytes });
    this.#sockets.add(socket);
    if (this.#paused) socket.pause();
    socket.setTimeout(idleTimeoutMs, () => {
      counters.frameError(transport, 'idle_timeout');
      socket.destroy();
    });
    const deliver = (frames: { bytes: Buffer; warning?: string }[], empty: number) => {
      const receivedAt = Date.now();
      for (let i = 0; i < empty; i++) {
        counters.received(transport, 0);
        counters.dropped(transport, 'empty');
      }
      for (const frame of frames) {
        counters.received(transport, frame.bytes.length);
        const message: RawMessage = { bytes: frame.bytes, transport, sourceIp, receivedAt, warning: frame.warning };
        // The queue pauses TCP at 80 %, so a refusal here means it is completely full: count it, never block.
        if (!sink(message)) counters.dropped(transport, 'dropped_queue');
      }
    };
    socket.on('data', (chunk: Buffer) => {
      const result = decoder.push(chunk);
      deliver(result.frames, result.empty);
      if (result.error) {
        counters.frameError(transport, result.error);
        socket.destroy();
      }
    });
    socket.on('end', () => {
      const result = decoder.end();
      deliver(result.frames, result.empty);
      if (result.error) counters.frameError(transport, result.error);
      socket.end();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
  }
}
