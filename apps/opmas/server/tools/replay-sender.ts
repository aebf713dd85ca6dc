/**
 * The OPMAS replayer's transports and pacing (spec 02 "Replayer"): UDP, TCP, TLS and HTTP batch senders behind one
 * token-bucket loop. `replay` is the library entry the CLI, the benchmark and the tests share; a send error is
 * counted, never thrown, so a restarting receiver cannot end a benchmark.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { isIPv6, connect as netConnect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connect as tlsConnect } from 'node:tls';
import {
  DEFAULT_TARGET,
  encodeFrame,
  type Framing,
  isLoopback,
  parseTarget,
  type ReplayLine,
  type ReplayTarget,
} from './replay-source.ts';

export interface ReplayOptions {
  lines: Iterable<ReplayLine> | AsyncIterable<ReplayLine>;
  /** `udp://`, `tcp://`, `tls://` host:port or an `http(s)://` logs URL; default `udp://127.0.0.1:5514`. */
  target?: string;
  /** The target was given explicitly, so it may be outside loopback. */
  allowRemote?: boolean;
  /** Lines per second (default 100). */
  rate?: number;
  framing?: Framing;
  /** Hard bound on the run (default 120). */
  maxSeconds?: number;
  signal?: AbortSignal;
  /** Each device sends from its own 127.0.0.x address (UDP/TCP/TLS). */
  distinctSources?: boolean;
  /** TLS: accept any server certificate (self-signed test listeners). */
  insecure?: boolean;
  /** HTTP: bearer token. */
  token?: string;
  /** HTTP: lines per POST (default 100). */
  httpBatchLines?: number;
}

export interface ReplaySummary {
  sent: number;
  errors: number;
  /** Achieved lines per second. */
  rate: number;
}

type Counts = Omit<ReplaySummary, 'rate'>;

interface Sender {
  /** Resolves when the line is handed over or counted as an error; never rejects. */
  send(line: ReplayLine): Promise<void>;
  /** Flushes and closes; never rejects. */
  close(): Promise<void>;
}

/** The 127.0.0.x address device `device` sends from with `--distinct-sources`. */
export function sourceAddress(device: number): string {
  if (device < 0 || device > 253) throw new RangeError('--distinct-sources supports at most 254 devices');
  return `127.0.0.${device + 1}`;
}

/**
 * Token bucket: `rate` tokens per second, at most a 50 ms burst held, so pacing stays smooth despite timer
 * granularity. Starts with one token, so the first line leaves at once.
 */
export class TokenBucket {
  readonly #rate: number;
  readonly #capacity: number;
  #tokens = 1;
  #last: number;

  constructor(rate: number, now = performance.now()) {
    this.#rate = rate;
    this.#capacity = Math.max(1, rate / 20);
    this.#last = now;
  }

  /** Takes a token and returns 0, or returns the milliseconds until one is available. */
  take(now = performance.now()): number {
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#last) / 1000) * this.#rate);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return ((1 - this.#tokens) / this.#rate) * 1000;
  }
}

/** Waits for the promise, at most `ms`. */
const within = (promise: Promise<void>, ms: number) => Promise.race([promise, delay(ms, undefined, { ref: false })]);

function udpSender(target: ReplayTarget, counts: Counts, distinct: boolean): Sender {
  const sockets = new Map<number, Promise<UdpSocket>>();
  const socketFor = (device: number) => {
    const key = distinct ? device : 0;
    let socket = sockets.get(key);
    if (!socket) {
      const udp = createSocket(isIPv6(target.host) ? 'udp6' : 'udp4');
      // Errors surface in the send callbacks; without a listener a late ICMP error would crash the process.
      udp.on('error', () => {});
      socket = new Promise((resolve, reject) => {
        if (!distinct) return resolve(udp);
        udp.once('error', reject);
        udp.bind({ address: sourceAddress(device), port: 0 }, () => resolve(udp));
      });
      sockets.set(key, socket);
    }
    return socket;
  };
  return {
    async send(line) {
      try {
        const socket = await socketFor(line.device);
        await new Promise<void>((resolve, reject) =>
          socket.send(line.text, target.port, target.host, (error) => (error ? reject(error) : resolve())),
        );
        counts.sent++;
      } catch {
        counts.errors++;
      }
    },
    async close() {
      for (const result of await Promise.allSettled(sockets.values())) {
        if (result.status === 'fulfilled') result.value.close();
      }
    },
  };
}

function streamSender(target: ReplayTarget, counts: Counts, options: ReplayOptions): Sender {
  const framing = options.framing ?? 'lf';
  const connections = new Map<number, Promise<Socket>>();
  const opened = new Set<Socket>();
  const open = async (device: number, drop: () => void): Promise<Socket> => {
    const localAddress = options.distinctSources ? sourceAddress(device) : undefined;
    const tcp = netConnect({ host: target.host, port: target.port, localAddress });
    let socket: Socket = tcp;
    if (target.protocol === 'tls') {
      const servername = isLoopback(target.host) || /^[\d.:]+$/.test(target.host) ? undefined : target.host;
      socket = tlsConnect({ socket: tcp, servername, rejectUnauthorized: !options.insecure });
    }
    opened.add(socket);
    for (const stream of new Set([tcp, socket])) stream.on('error', drop).on('close', drop);
    await once(socket, target.protocol === 'tls' ? 'secureConnect' : 'connect');
    return socket;
  };
  const connectionFor = (device: number) => {
    const key = options.distinctSources ? device : 0;
    const existing = connections.get(key);
    if (existing) return existing;
    // A broken connection is dropped, so the next line reconnects (a restarting receiver).
    const connection = open(device, () => {
      if (connections.get(key) === connection) connections.delete(key);
    });
    connections.set(key, connection);
    return connection;
  };
  return {
    async send(line) {
      try {
        const socket = await connectionFor(line.device);
        await new Promise<void>((resolve, reject) =>
          socket.write(encodeFrame(line.text, framing), (error) => (error ? reject(error) : resolve())),
        );
        counts.sent++;
      } catch {
        counts.errors++;
      }
    },
    async close() {
      for (const socket of opened) {
        // Bounded, because a receiver that stopped reading never lets the written data drain.
        if (!socket.destroyed) await within(new Promise<void>((resolve) => socket.end(resolve)), 2000);
        socket.destroy();
      }
    },
  };
}

function httpSender(target: ReplayTarget, counts: Counts, options: ReplayOptions): Sender {
  const batchLines = options.httpBatchLines ?? 100;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let batch: string[] = [];
  let batchStarted = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const logs = batch;
    batch = [];
    try {
      const body = JSON.stringify({ logs });
      const response = await fetch(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      if (response.ok) counts.sent += logs.length;
      else counts.errors += logs.length;
    } catch {
      counts.errors += logs.length;
    }
  };
  return {
    async send(line) {
      if (batch.length === 0) batchStarted = performance.now();
      batch.push(line.text);
      // A batch leaves when full or a second old, so slow rates still arrive promptly.
      if (batch.length >= batchLines || performance.now() - batchStarted >= 1000) await flush();
    },
    close: flush,
  };
}

/** Waits until the bucket gives a token; false when the run was stopped meanwhile. */
async function paced(bucket: TokenBucket, stop: AbortSignal): Promise<boolean> {
  for (let wait = bucket.take(); wait > 0; wait = bucket.take()) {
    const slept = await delay(wait, true, { signal: stop }).catch(() => false);
    if (!slept) return false;
  }
  return !stop.aborted;
}

/** Resolves when the signal aborts, so a send stuck on a silent receiver cannot outlive the time bound. */
/**
 * Resolves when the send settles or the run stops, whichever comes first. The abort listener is removed after each
 * send: racing every send against one long-lived "stopped" promise would pile up a reaction per line (gigabytes at
 * an unpaced rate).
 */
const untilStopped = (sending: Promise<void>, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = () => resolve();
    signal.addEventListener('abort', onAbort, { once: true });
    void sending.finally(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });

/**
 * Sends the lines to the target, paced, until they run out, `maxSeconds` pass or the signal aborts. Throws only on
 * bad options (unknown target, non-loopback target not given explicitly); send errors are counted.
 */
export async function replay(options: ReplayOptions): Promise<ReplaySummary> {
  const target = parseTarget(options.target ?? DEFAULT_TARGET);
  if (!options.allowRemote && !isLoopback(target.host)) {
    throw new Error(`refusing non-loopback target ${target.host}: give it explicitly with --target`);
  }
  if (options.distinctSources && !isLoopback(target.host))
    throw new Error('--distinct-sources needs a loopback target');
  const rate = options.rate ?? 100;
  const maxSeconds = options.maxSeconds ?? 120;
  if (!(rate > 0) || !(maxSeconds > 0)) throw new Error('rate and max seconds must be positive');

  // Infinity means no time bound; AbortSignal.timeout only takes a finite delay.
  const signals = Number.isFinite(maxSeconds) ? [AbortSignal.timeout(maxSeconds * 1000)] : [];
  if (options.signal) signals.push(options.signal);
  const stop = AbortSignal.any(signals);
  const counts: Counts = { sent: 0, errors: 0 };
  const sender =
    target.protocol === 'udp'
      ? udpSender(target, counts, options.distinctSources ?? false)
      : target.protocol === 'tcp' || target.protocol === 'tls'
        ? streamSender(target, counts, options)
        : httpSender(target, counts, options);
  const bucket = new TokenBucket(rate);
  const started = performance.now();
  try {
    for await (const line of options.lines) {
      if (!(await paced(bucket, stop))) break;
      await untilStopped(sender.send(line), stop);
    }
  } finally {
    await sender.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const achieved = seconds > 0 ? Math.round((counts.sent / seconds) * 10) / 10 : counts.sent;
  return { sent: counts.sent, errors: counts.errors, rate: achieved };
}
