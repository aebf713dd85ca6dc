/**
 * The ingest worker thread (spec 02-opmas "Architecture", `OPMAS_INGEST_WORKER`): UDP, TCP and TLS sockets and their
 * framing run here, so rule evaluation and database work on the main thread (PGlite runs there too) never keep the
 * sockets from being read. Framed messages and counter updates go to the main thread in small batches; the main
 * thread answers with pause/resume when its queue is under pressure (TCP back-pressure) and with stop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { IngestConfig } from '../opmas-config.ts';
import type { IngestCounters } from './ingest-counters.ts';
import type { RawMessage } from './ingest-types.ts';
import type { SyslogListener } from './listener.ts';
import { createListeners } from './listener-set.ts';
import { type PackedMessage, packMessages } from './message-packing.ts';

/** A counter call made in the worker, replayed on the main thread's counters in order. */
export type CounterCall = [method: 'received' | 'dropped' | 'frameError', transport: string, argument: string | number];

export type WorkerToMain =
  | { type: 'ready'; statuses: ReturnType<SyslogListener['status']>[] }
  | {
      type: 'batch';
      messages: PackedMessage[];
      /** Every message's bytes back to back, transferred (not copied) to the main thread. */
      packed: ArrayBuffer;
      calls: CounterCall[];
      connections: { tcp: number; tls: number };
    }
  | { type: 'stopped' };

export type MainToWorker = { type: 'pause'; paused: boolean } | { type: 'stop' };

/** Messages sent per batch at most; a batch also goes out after `FLUSH_MS` however small. */
const BATCH_MAX = 512;
const FLUSH_MS = 5;

if (parentPort) {
  const port = parentPort;
  const config = workerData as IngestConfig;
  let messages: RawMessage[] = [];
  let calls: CounterCall[] = [];
  let timer: NodeJS.Timeout | undefined;

  const connections = () => {
    const open = { tcp: 0, tls: 0 };
    for (const listener of tcpListeners) open[listener.transport] += listener.connections;
    return open;
  };
  const flush = () => {
    timer = undefined;
    if (messages.length === 0 && calls.length === 0) return;
    const batch = packMessages(messages);
    port.postMessage({ type: 'batch', ...batch, calls, connections: connections() } satisfies WorkerToMain, [
      batch.packed,
    ]);
    messages = [];
    calls = [];
  };
  const schedule = () => {
    if (messages.length >= BATCH_MAX) flush();
    else timer ??= setTimeout(flush, FLUSH_MS);
  };
  // The listeners only call these three; the main thread owns the real counters.
  const counters = {
    received: (transport: string, bytes: number) => calls.push(['received', transport, bytes]),
    dropped: (transport: string, reason: string) => calls.push(['dropped', transport, reason]),
    frameError: (transport: string, reason: string) => {
      calls.push(['frameError', transport, reason]);
      schedule();
    },
  } as unknown as IngestCounters;
  const sink = (message: RawMessage): boolean => {
    messages.push(message);
    schedule();
    return true;
  };

  const warn = (details: object, message: string) => console.warn(JSON.stringify({ ...details, msg: message }));
  const { all: listeners, streams: tcpListeners } = createListeners(config, { sink, counters, warn });

  port.on('message', async (message: MainToWorker) => {
    if (message.type === 'pause') {
      for (const listener of tcpListeners) listener.setPaused(message.paused);
      return;
    }
    for (const listener of listeners) await listener.stop();
    if (timer) clearTimeout(timer);
    flush();
    port.postMessage({ type: 'stopped' } satisfies WorkerToMain);
  });

  for (const listener of listeners) await listener.start();
  port.postMessage({ type: 'ready', statuses: listeners.map((listener) => listener.status()) } satisfies WorkerToMain);
}
