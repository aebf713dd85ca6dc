import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { PortSetting } from '../opmas-config.ts';
import { splitDatagram } from './framing.ts';
import {
  bindFirstPort,
  type ListenerDeps,
  type ListenerStatus,
  normalizeSourceIp,
  type SyslogListener,
} from './listener.ts';

export interface UdpListenerOptions extends ListenerDeps {
  host: string;
  port: Exclude<PortSetting, 'off'>;
  rcvbufBytes: number;
  warn: (details: object, message: string) => void;
}

/** RFC 5426 syslog over UDP: one datagram is one message (or several, see `splitDatagram`); a full queue drops. */
export class UdpListener implements SyslogListener {
  readonly transport = 'udp' as const;
  readonly #options: UdpListenerOptions;
  #socket: Socket | undefined;
  #status: ListenerStatus;

  constructor(options: UdpListenerOptions) {
    this.#options = options;
    this.#status = { transport: 'udp', address: options.host, port: null, bound: false };
  }

  status(): ListenerStatus {
    return { ...this.#status };
  }

  /** Binds the first port that works; a failure is reported in `status()` rather than thrown. */
  async start(): Promise<void> {
    const result = await bindFirstPort(this.#options.port, (port) => this.#bind(port));
    if ('error' in result) {
      this.#status = { ...this.#status, bound: false, error: result.error };
      return;
    }
    this.#socket = result.bound;
    const address = this.#socket.address();
    this.#status = { transport: 'udp', address: address.address, port: address.port, bound: true };
    this.#applyReceiveBuffer(this.#socket);
  }

  async stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    this.#status = { ...this.#status, bound: false };
    if (socket) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  #bind(port: number): Promise<Socket> {
    const socket = createSocket({ type: isIPv6(this.#options.host) ? 'udp6' : 'udp4', reuseAddr: false });
    socket.on('message', (datagram, remote) => this.#receive(datagram, remote.address));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, this.#options.host, () => {
        socket.off('error', reject);
        socket.on('error', (error) => this.#options.warn({ err: error }, 'opmas UDP listener error'));
        resolve(socket);
      });
    });
  }

  /** Spec "Configuration" `OPMAS_UDP_RCVBUF_BYTES`: warn when the kernel grants less (`net.core.rmem_max`). */
  #applyReceiveBuffer(socket: Socket): void {
    try {
      socket.setRecvBufferSize(this.#options.rcvbufBytes);
      // Linux reports twice the requested size (bookkeeping overhead), so granted/2 is the usable part.
      const granted = socket.getRecvBufferSize();
      if (granted / 2 < this.#options.rcvbufBytes) {
        this.#options.warn({ requested: this.#options.rcvbufBytes, granted }, 'opmas UDP receive buffer capped');
      }
    } catch (error) {
      this.#options.warn({ err: error }, 'opmas UDP receive buffer not set');
    }
  }

  #receive(datagram: Buffer, sourceIp: string): void {
    const { counters, sink } = this.#options;
    const receivedAt = Date.now();
    const messages = splitDatagram(datagram);
    if (messages.length === 0) {
      counters.received('udp', datagram.length);
      counters.dropped('udp', 'empty');
      return;
    }
    for (const bytes of messages) {
      counters.received('udp', bytes.length);
      // Copy: the datagram buffer may be reused once this handler returns.
      if (!sink({ bytes: Buffer.from(bytes), transport: 'udp', sourceIp: normalizeSourceIp(sourceIp), receivedAt })) {
        counters.dropped('udp', 'dropped_queue');
      }
    }
  }
}
