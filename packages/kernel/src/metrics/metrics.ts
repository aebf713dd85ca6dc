import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per kernel, so that several kernels in one test process do not share counters. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly busMessages: Counter<'direction' | 'subject'>;
  readonly jobsQueueDepth: Gauge<'queue'>;
  readonly jobsLatency: Histogram<'queue' | 'outcome'>;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });
    this.busMessages = new Counter({
      name: 'platform_bus_messages_total',
      help: 'Bus messages by direction (publish, consume) and subject prefix',
      labelNames: ['direction', 'subject'],
      registers: [this.registry],
    });
    this.jobsQueueDepth = new Gauge({
      name: 'platform_jobs_queue_depth',
      help: 'Jobs waiting to run, by queue',
      labelNames: ['queue'],
      registers: [this.registry],
    });
    this.jobsLatency = new Histogram({
      name: 'platform_jobs_duration_seconds',
      help: 'Job run time by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
      registers: [this.registry],
    });
  }

  /** Subjects are labelled by their first two tokens to keep label cardinality bounded. */
  static subjectLabel(subject: string): string {
    return subject.split('.').slice(0, 2).join('.');
  }
}
