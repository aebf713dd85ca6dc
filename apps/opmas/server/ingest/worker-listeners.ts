/**
 * The main-thread side of the ingest worker: starts `ingest-worker.ts`, feeds what it frames into the ingest queue
 * (replaying its counter calls first, so counts keep their order), forwards queue pressure for TCP back-pressure and
 * reports the worker's listener statuses and connection counts.
 */
import { Worker } from 'node:worker_threads';
import type { IngestConfig } from '../opmas-config.ts';
import type { DropReason, IngestCounters } from './ingest-counters.ts';
import type { IngestQueue } from './ingest-queue.ts';
import type { Transport } from './ingest-types.ts';
import type { MainToWorker, WorkerToMain } from './ingest-worker.ts';
import type { ListenerStatus } from './listener.ts';
import { unpackMessages } from './message-packing.ts';

const WORKER_URL = new URL('./ingest-worker.ts', import.meta.url);

export class WorkerListeners {
  readonly #worker: Worker;
  readonly #queue: IngestQueue;
  readonly #counters: IngestCounters;
  #statuses: ListenerStatus[] = [];
  #connections = { tcp: 0, tls: 0 };
  #stopped: Promise<void> | undefined;

  private constructor(worker: Worker, queue: IngestQueue, counters: IngestCounters) {
    this.#worker = worker;
    this.#queue = queue;
    this.#counters = counters;
  }

  /** Starts the worker and resolves once its listeners are bound (or failed to bind). */
  static async start(config: IngestConfig, queue: IngestQueue, counters: IngestCounters): Promise<WorkerListeners> {
    const worker = new Worker(WORKER_URL, { workerData: config });
    const host = new WorkerListeners(worker, queue, counters);
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.on('message', (message: WorkerToMain) => {
        if (message.type === 'ready') {
          host.#statuses = message.statuses;
          worker.off('error', reject);
          resolve();
        } else host.#receive(message);
      });
    });
    return host;
  }

  statuses(): ListenerStatus[] {
    return this.#statuses;
  }

  connections(): { tcp: number; tls: number } {
    return this.#connections;
  }

  /** TCP/TLS sockets stop being read while the queue is above its high-water mark. */
  setPaused(paused: boolean): void {
    this.#worker.postMessage({ type: 'pause', paused } satisfies MainToWorker);
  }

  /** Closes the sockets, takes what the worker still held, and ends the thread. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      this.#worker.on('message', (message: WorkerToMain) => {
        if (message.type === 'stopped') void this.#worker.terminate().then(() => resolve());
      });
      this.#worker.postMessage({ type: 'stop' } satisfies MainToWorker);
    });
    return this.#stopped;
  }

  #receive(message: WorkerToMain): void {
    if (message.type !== 'batch') return;
    for (const [method, transport, argument] of message.calls) {
      if (method === 'received') this.#counters.received(transport as Transport, argument as number);
      else if (method === 'dropped') this.#counters.dropped(transport as Transport, argument as DropReason);
      else this.#counters.frameError(transport as Transport, argument as string);
    }
    for (const raw of unpackMessages(message.messages, message.packed)) {
      if (!this.#queue.offer(raw)) this.#counters.dropped(raw.transport, 'dropped_queue');
    }
    this.#connections = message.connections;
  }
}
