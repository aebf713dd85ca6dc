import type { IngestConfig } from '../opmas-config.ts';
import type { IngestCounters } from './ingest-counters.ts';
import type { MessageSink } from './ingest-types.ts';
import type { SyslogListener } from './listener.ts';
import { TcpListener } from './tcp-listener.ts';
import { UdpListener } from './udp-listener.ts';

/** The configured listeners; `streams` (TCP, TLS) are the ones queue pressure pauses. */
export interface ListenerSet {
  all: SyslogListener[];
  streams: TcpListener[];
}

/**
 * Builds the UDP, TCP and TLS listeners of the ingest settings (spec 02-opmas "Configuration"), for whichever thread
 * hosts them (the ingest worker or the main thread). TLS needs a certificate and key; the caller checks that first.
 */
export function createListeners(
  config: IngestConfig,
  deps: { sink: MessageSink; counters: IngestCounters; warn: (details: object, message: string) => void },
): ListenerSet {
  const common = { ...deps, host: config.host };
  const stream = {
    ...common,
    maxFrameBytes: config.tcpMaxFrameBytes,
    idleTimeoutMs: config.tcpIdleTimeoutMs,
    maxConnections: config.tcpMaxConnections,
  };
  const streams: TcpListener[] = [];
  if (config.tcpPort !== 'off') streams.push(new TcpListener({ ...stream, port: config.tcpPort }));
  if (config.tlsPort !== 'off' && config.tlsCert && config.tlsKey) {
    const tls = { cert: config.tlsCert, key: config.tlsKey, ca: config.tlsCa };
    streams.push(new TcpListener({ ...stream, port: config.tlsPort, tls }));
  }
  const all: SyslogListener[] = [];
  if (config.udpPort !== 'off') {
    all.push(new UdpListener({ ...common, port: config.udpPort, rcvbufBytes: config.udpRcvbufBytes }));
  }
  return { all: [...all, ...streams], streams };
}
