import { hostname } from 'node:os';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { DeviceService } from '../devices/device.service.ts';
import { type IngestConfig, loadIngestConfig } from '../opmas-config.ts';
import { compileClassification, DEFAULT_CLASSIFICATION } from './classifier.ts';
import { IngestCounters } from './ingest-counters.ts';
import type { IngestJournal } from './ingest-journal.ts';
import { IngestPipeline } from './ingest-pipeline.ts';
import { IngestQueue } from './ingest-queue.ts';
import type { ListenerStatus, SyslogListener } from './listener.ts';
import { createListeners } from './listener-set.ts';
import { LogBatcher } from './log-batcher.ts';
import { LogStatsRepository } from './log-stats.repository.ts';
import { LogStatsAccumulator } from './log-stats.ts';
import { TcpListener } from './tcp-listener.ts';
import { WorkerListeners } from './worker-listeners.ts';

/** spec 02-opmas "Devices": `last_seen`/`msg_count` are flushed every 10 s, not per message. */
const TRAFFIC_FLUSH_MS = 10_000;

/** Everything ingest shares between the start hook (listeners) and the routes (HTTP ingest, status, devices). */
export class IngestRuntime {
  readonly config: IngestConfig;
  readonly counters = new IngestCounters();
  readonly queue: IngestQueue;
  readonly devices: DeviceService;
  readonly pipeline: IngestPipeline;
  readonly logStats: LogStatsAccumulator;
  readonly node = `${hostname()}:${process.pid}`;
  readonly #kernel: Kernel;
  readonly #batcher: LogBatcher;
  #listeners: SyslogListener[] = [];
  #workerListeners: WorkerListeners | undefined;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.config = loadIngestConfig(kernel.config.env);
    this.queue = new IngestQueue(this.config.queueMax);
    this.devices = new DeviceService(kernel, this.config);
    this.logStats = new LogStatsAccumulator(new LogStatsRepository(kernel.db.orm));
    this.#batcher = new LogBatcher({
      bus: kernel.bus,
      node: this.node,
      maxEvents: this.config.batchMaxEvents,
      lingerMs: this.config.batchLingerMs,
      onPublishError: (error, subject) => kernel.logger.error({ err: error, subject }, 'opmas log batch not published'),
    });
    this.pipeline = new IngestPipeline({
      queue: this.queue,
      counters: this.counters,
      devices: this.devices,
      classifier: compileClassification(DEFAULT_CLASSIFICATION),
      batcher: this.#batcher,
      logStats: this.logStats,
      defaultTimezone: this.config.defaultTimezone,
      maxMessageBytes: this.config.maxMessageBytes,
      onError: (error) => kernel.logger.error({ err: error }, 'opmas ingest message failed'),
    });
  }

  /** Journals every batch from now on (embedded worker processes; see IngestJournal). */
  attachJournal(journal: IngestJournal | undefined): void {
    this.#batcher.attachJournal(journal);
  }

  /**
   * Binds the configured UDP, TCP and TLS listeners: in the ingest worker thread (`OPMAS_INGEST_WORKER`, default), or
   * on this thread when it is off.
   */
  async startListeners(): Promise<void> {
    const { config } = this;
    if (config.tlsPort !== 'off' && (!config.tlsCert || !config.tlsKey)) {
      throw new Error('OPMAS_SYSLOG_TLS_PORT needs OPMAS_SYSLOG_TLS_CERT and _KEY');
    }
    if (config.ingestWorker && (config.udpPort !== 'off' || config.tcpPort !== 'off' || config.tlsPort !== 'off')) {
      const host = await WorkerListeners.start(config, this.queue, this.counters);
      this.queue.connect({ onPressure: (pressured) => host.setPaused(pressured) });
      for (const status of host.statuses()) {
        if (status.bound) this.#kernel.logger.info(status, 'opmas syslog listener bound (ingest worker)');
        else this.#kernel.logger.error(status, 'opmas syslog listener failed to bind');
      }
      this.#workerListeners = host;
      return;
    }
    const { all: listeners, streams } = createListeners(config, {
      sink: (message) => this.queue.offer(message),
      counters: this.counters,
      warn: (details, message) => this.#kernel.logger.warn(details, message),
    });
    this.queue.connect({
      onPressure: (pressured) => {
        for (const listener of streams) listener.setPaused(pressured);
      },
    });
    for (const listener of listeners) {
      await listener.start();
      const status = listener.status();
      if (status.bound) this.#kernel.logger.info(status, 'opmas syslog listener bound');
      else this.#kernel.logger.error(status, 'opmas syslog listener failed to bind');
    }
    this.#listeners = listeners;
  }

  /** Stops the listeners, publishes what is in flight and writes the device traffic counters and log stats. */
  async stop(): Promise<void> {
    for (const listener of this.#listeners) await listener.stop();
    this.#listeners = [];
    await this.#workerListeners?.stop();
    this.#workerListeners = undefined;
    await this.pipeline.settle();
    await this.devices.flushTraffic();
    await this.logStats.flush();
  }

  listenerStatuses(): ListenerStatus[] {
    return this.#workerListeners?.statuses() ?? this.#listeners.map((listener) => listener.status());
  }

  /** Open connections per stream transport. */
  connections(): { tcp: number; tls: number } {
    if (this.#workerListeners) return this.#workerListeners.connections();
    const open = { tcp: 0, tls: 0 };
    for (const listener of this.#listeners) {
      if (listener instanceof TcpListener) open[listener.transport] += listener.connections;
    }
    return open;
  }
}

const runtimes = new WeakMap<Kernel, IngestRuntime>();

/** The kernel's ingest runtime, created on first use (routes and the start hook share it). */
export function ingestRuntimeFor(kernel: Kernel): IngestRuntime {
  let runtime = runtimes.get(kernel);
  if (!runtime) {
    runtime = new IngestRuntime(kernel);
    runtimes.set(kernel, runtime);
  }
  return runtime;
}

/**
 * The app's start hook: every role flushes device traffic (the api role ingests over HTTP); listeners run only in
 * processes with ROLE `worker` or `all` (spec "Architecture": "worker/all run listeners").
 */
export async function startIngest(kernel: Kernel, journal?: IngestJournal): Promise<() => Promise<void>> {
  const runtime = ingestRuntimeFor(kernel);
  runtime.attachJournal(journal);
  if (kernel.config.role !== 'api') await runtime.startListeners();
  const timer = setInterval(() => {
    runtime.devices
      .flushTraffic()
      .catch((error) => kernel.logger.warn({ err: error }, 'opmas device traffic flush failed'));
    runtime.logStats.flush().catch((error) => kernel.logger.warn({ err: error }, 'opmas log stats flush failed'));
  }, TRAFFIC_FLUSH_MS);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await runtime.stop();
    runtime.attachJournal(undefined);
  };
}
