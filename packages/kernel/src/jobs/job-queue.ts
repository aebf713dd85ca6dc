import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, desc, eq, gt, lt, type SQL, sql } from 'drizzle-orm';
import type { AppJob } from '../apps/define-app.ts';
import type { Database, Executor } from '../db/database.ts';
import { jobEvents, jobs } from '../db/kernel.schema.ts';
import { conflict, notFound } from '../http/errors.ts';
import type { Kernel } from '../kernel.ts';
import type { Logger } from '../logging/logger.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { CronSchedules } from './cron-schedules.ts';
import type { JobStatus } from './job.schema.ts';

export type JobRow = typeof jobs.$inferSelect;
export type JobEventRow = typeof jobEvents.$inferSelect;

/** What a handler receives. */
export interface JobContext<Payload = unknown> {
  job: JobRow & { payload: Payload };
  /** Aborted when the job is cancelled, its lease is lost, or the worker shuts down. */
  signal: AbortSignal;
  /** Records progress (throttled) and streams it to followers. */
  progress(current: number, total?: number | null, message?: string | null): Promise<void>;
}

/** Thrown by a handler for an error that retrying cannot fix (bad input): the job fails at once. */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export interface EnqueueOptions {
  /** What people see in job lists, e.g. `Upload model.safetensors`. */
  title?: string;
  idempotencyKey?: string;
  ownerId?: string | null;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
  /** Enqueue inside the caller's transaction (with the state change that asked for it). */
  executor?: Executor;
}

const NOTIFY_CHANNEL = 'kernel_jobs';
const EVENTS_CHANNEL = 'kernel_job_events';
const TERMINAL: JobStatus[] = ['succeeded', 'failed', 'cancelled', 'dead'];
export const isTerminal = (status: string): boolean => TERMINAL.includes(status as JobStatus);

/**
 * PostgreSQL-backed job queue (spec 00 "Background work"): claims with FOR UPDATE SKIP LOCKED under a lease renewed by
 * heartbeats, retries with exponential backoff, dead-letters after max attempts, wakes on NOTIFY with a slow poll.
 */
/** Lease reaping, due schedules and the depth gauge run at most this often (or the poll interval, if shorter). */
const MAINTENANCE_INTERVAL_MS = 1000;

export class JobQueue {
  readonly #db: Database;
  readonly #logger: Logger;
  readonly #metrics?: Metrics;
  readonly #handlers = new Map<string, AppJob>();
  readonly #running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly #activePerQueue = new Map<string, number>();
  readonly #eventListeners = new Set<(jobId: string) => void>();
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  pollIntervalMs = 2000;
  #lastMaintenance = 0;
  #timer?: NodeJS.Timeout;
  #unlisten: (() => Promise<void>)[] = [];
  #started = false;
  #stopping = false;
  #pumping = false;
  #pumpAgain = false;
  #pass: Promise<void> = Promise.resolve();

  readonly #schedules: CronSchedules;
  /** Handed to every handler; set once the kernel that owns this queue exists. */
  #kernel?: Kernel;

  constructor(options: { db: Database; logger: Logger; metrics?: Metrics }) {
    this.#db = options.db;
    this.#logger = options.logger;
    this.#metrics = options.metrics;
    this.#schedules = new CronSchedules(options.db, options.logger, (queue, payload, enqueueOptions) =>
      this.enqueue(queue, payload, enqueueOptions),
    );
  }

  attachKernel(kernel: Kernel): void {
    this.#kernel = kernel;
  }

  register(job: AppJob): void {
    if (this.#handlers.has(job.queue)) throw new Error(`job queue registered twice: ${job.queue}`);
    this.#handlers.set(job.queue, job);
  }

  get queues(): string[] {
    return [...this.#handlers.keys()];
  }

  async enqueue(queue: string, payload: unknown, options: EnqueueOptions = {}): Promise<JobRow> {
    const executor = options.executor ?? this.#db.orm;
    const definition = this.#handlers.get(queue);
    const [inserted] = await executor
      .insert(jobs)
      .values({
        queue,
        title: options.title ?? null,
        payload: payload ?? {},
        idempotencyKey: options.idempotencyKey ?? null,
        ownerId: options.ownerId ?? null,
        runAt: options.runAt ?? new Date(),
        maxAttempts: options.maxAttempts ?? definition?.maxAttempts ?? 5,
        priority: options.priority ?? 0,
      })
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      // The same idempotency key was enqueued before: hand back that job instead of a duplicate.
      const [existing] = await executor
        .select()
        .from(jobs)
        .where(and(eq(jobs.queue, queue), eq(jobs.idempotencyKey, options.idempotencyKey ?? '')));
      if (!existing) throw conflict('job could not be enqueued');
      return existing;
    }
    await this.#appendEvent(inserted.id, 'queued', {}, executor);
    await executor.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${queue})`);
    return inserted;
  }

  async get(id: string): Promise<JobRow | undefined> {
    const [row] = await this.#db.orm.select().from(jobs).where(eq(jobs.id, id));
    return row;
  }

  list(filter: {
    ownerId?: string;
    status?: string;
    queue?: string;
    beforeCreatedAt?: Date;
    limit: number;
  }): Promise<JobRow[]> {
    const conditions: SQL[] = [];
    if (filter.ownerId) conditions.push(eq(jobs.ownerId, filter.ownerId));
    if (filter.status) conditions.push(eq(jobs.status, filter.status));
    if (filter.queue) conditions.push(eq(jobs.queue, filter.queue));
    if (filter.beforeCreatedAt) conditions.push(lt(jobs.createdAt, filter.beforeCreatedAt));
    return this.#db.orm
      .select()
      .from(jobs)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(jobs.createdAt))
      .limit(filter.limit);
  }

  /** Events after an id (SSE replay after Last-Event-ID). */
  events(jobId: string, afterId = 0): Promise<JobEventRow[]> {
    return this.#db.orm
      .select()
      .from(jobEvents)
      .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.id, afterId)))
      .orderBy(jobEvents.id);
  }

  /** Calls back with a job id whenever that job has new events, from any process sharing the database. */
  onEvents(listener: (jobId: string) => void): () => void {
    this.#eventListeners.add(listener);
    return () => this.#eventListeners.delete(listener);
  }

  /** A queued job is cancelled at once; a running one is asked to stop through its abort signal. */
  async cancel(id: string): Promise<JobRow> {
    const queued = await this.#db.transaction(async (tx) => {
      const [row] = await tx
        .update(jobs)
        .set({ status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(jobs.id, id), eq(jobs.status, 'queued')))
        .returning();
      if (row) await this.#appendEvent(id, 'cancelled', {}, tx);
      return row;
    });
    if (queued) return queued;
    const [running] = await this.#db.orm
      .update(jobs)
      .set({ cancelRequested: true, updatedAt: new Date() })
      .where(and(eq(jobs.id, id), eq(jobs.status, 'running')))
      .returning();
    if (running) {
      this.#running.get(id)?.controller.abort(new Error('cancelled'));
      return running;
    }
    const existing = await this.get(id);
    if (!existing) throw notFound('job');
    return existing;
  }

  /** Puts a failed, dead or cancelled job back in the queue (resuming where its handler's own state allows). */
  async retry(id: string): Promise<JobRow> {
    const row = await this.#db.transaction(async (tx) => {
      const [requeued] = await tx
        .update(jobs)
        .set({
          status: 'queued',
          attempts: 0,
          runAt: new Date(),
          error: null,
          cancelRequested: false,
          finishedAt: null,
          updatedAt: new Date(),
        })
        .where(and(eq(jobs.id, id), sql`${jobs.status} in ('failed', 'dead', 'cancelled')`))
        .returning();
      if (requeued) {
        await this.#appendEvent(id, 'queued', { retry: true }, tx);
        await tx.execute(sql`select pg_notify(${NOTIFY_CHANNEL}, ${requeued.queue})`);
      }
      return requeued;
    });
    if (!row) {
      if (!(await this.get(id))) throw notFound('job');
      throw conflict('only failed, dead or cancelled jobs can be retried', 'job_not_retryable');
    }
    return row;
  }

  /** Starts claiming jobs of the registered queues and running the cron schedules. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#stopping = false;
    await this.#schedules.sync(this.#handlers.values());
    this.#unlisten.push(await this.#db.listen(NOTIFY_CHANNEL, () => this.#pump()));
    this.#unlisten.push(
      await this.#db.listen(EVENTS_CHANNEL, (jobId) => {
        for (const listener of this.#eventListeners) listener(jobId);
      }),
    );
    const tick = () => {
      this.#pump();
      this.#timer = setTimeout(tick, this.pollIntervalMs);
    };
    tick();
  }

  /** Listens for job events without running jobs (API-only processes that serve SSE). */
  async listenForEvents(): Promise<void> {
    if (this.#unlisten.length) return;
    this.#unlisten.push(
      await this.#db.listen(EVENTS_CHANNEL, (jobId) => {
        for (const listener of this.#eventListeners) listener(jobId);
      }),
    );
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#timer);
    // A pass in flight may still claim a job: wait for it, so that job is handed back below instead of left running.
    await this.#pass;
    for (const { controller } of this.#running.values()) controller.abort(new Error('worker shutting down'));
    await Promise.allSettled([...this.#running.values()].map((run) => run.done));
    for (const unlisten of this.#unlisten.splice(0)) await unlisten().catch(() => {});
    this.#started = false;
  }

  /** One pass: requeue expired leases, fire due schedules, claim as many jobs as there is capacity for. */
  #pump(): void {
    if (this.#stopping) return;
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    this.#pumping = true;
    this.#pass = this.#pumpOnce()
      .catch((error) => this.#logger.error({ err: error }, 'job queue pass failed'))
      .finally(() => {
        this.#pumping = false;
        if (this.#pumpAgain && !this.#stopping) {
          this.#pumpAgain = false;
          this.#pump();
        }
      });
  }

  async #pumpOnce(): Promise<void> {
    // Every enqueue notifies a pump; lease reaping, schedules and the depth gauge need not run for each of them.
    const maintain = Date.now() - this.#lastMaintenance >= Math.min(MAINTENANCE_INTERVAL_MS, this.pollIntervalMs);
    if (maintain) {
      this.#lastMaintenance = Date.now();
      await this.#reapExpiredLeases();
      await this.#schedules.fireDue();
    }
    for (const [queue, definition] of this.#handlers) {
      const limit = definition.concurrency ?? 1;
      while ((this.#activePerQueue.get(queue) ?? 0) < limit && !this.#stopping) {
        const job = await this.#claim(queue, definition.leaseSeconds ?? 30);
        if (!job) break;
        this.#run(job, definition);
      }
    }
    if (this.#metrics && maintain) {
      const depths = await this.#db.rows<{ queue: string; depth: number }>(
        sql`select queue, count(*)::int as depth from kernel.jobs where status = 'queued' group by queue`,
      );
      this.#metrics.jobsQueueDepth.reset();
      for (const { queue, depth } of depths) this.#metrics.jobsQueueDepth.set({ queue }, depth);
    }
  }

  async #claim(queue: string, leaseSeconds: number): Promise<JobRow | undefined> {
    const [row] = await this.#db.rows<Record<string, unknown>>(sql`
      update kernel.jobs set status = 'running', attempts = attempts + 1, lease_owner = ${this.workerId},
        lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), started_at = coalesce(started_at, now()),
        updated_at = now()
      where id = (
        select id from kernel.jobs
        where queue = ${queue} and status = 'queued' and run_at <= now()
        order by priority desc, run_at, created_at
        for update skip locked limit 1)
      returning id`);
    if (!row) return undefined;
    return this.get(row.id as string);
  }

  #run(job: JobRow, definition: AppJob): void {
    const controller = new AbortController();
    const queue = job.queue;
    this.#activePerQueue.set(queue, (this.#activePerQueue.get(queue) ?? 0) + 1);
    const leaseSeconds = definition.leaseSeconds ?? 30;
    const heartbeat = setInterval(
      () => {
        this.#heartbeat(job.id, leaseSeconds, controller).catch((error) =>
          this.#logger.warn({ err: error, jobId: job.id }, 'heartbeat failed'),
        );
      },
      Math.max(200, (leaseSeconds * 1000) / 3),
    );
    const started = performance.now();
    let lastProgressAt = 0;
    const context: JobContext = {
      job,
      signal: controller.signal,
      progress: async (current, total = null, message = null) => {
        const now = Date.now();
        const final = total !== null && current >= total;
        // At most a few writes a second: followers see smooth progress without the database paying per chunk.
        if (!final && now - lastProgressAt < 250) return;
        lastProgressAt = now;
        const progress = { current, total, message };
        await this.#db.orm.update(jobs).set({ progress, updatedAt: new Date() }).where(eq(jobs.id, job.id));
        await this.#appendEvent(job.id, 'progress', progress);
      },
    };
    const done = (async () => {
      await this.#appendEvent(job.id, 'running', { attempt: job.attempts });
      try {
        const result = await definition.handler(context, this.#kernel as Kernel);
        await this.#finish(job, { status: 'succeeded', result: result ?? null });
        this.#metrics?.jobsLatency.observe({ queue, outcome: 'succeeded' }, (performance.now() - started) / 1000);
      } catch (error) {
        const outcome = await this.#fail(job, controller, error as Error);
        this.#metrics?.jobsLatency.observe({ queue, outcome }, (performance.now() - started) / 1000);
      }
    })()
      .catch((error) => this.#logger.error({ err: error, jobId: job.id }, 'job bookkeeping failed'))
      .finally(() => {
        clearInterval(heartbeat);
        this.#running.delete(job.id);
        this.#activePerQueue.set(queue, (this.#activePerQueue.get(queue) ?? 1) - 1);
        this.#pump();
      });
    this.#running.set(job.id, { controller, done });
  }

  async #heartbeat(id: string, leaseSeconds: number, controller: AbortController): Promise<void> {
    const [row] = await this.#db.rows<{ cancel_requested: boolean }>(sql`
      update kernel.jobs set lease_expires_at = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
      where id = ${id} and lease_owner = ${this.workerId} and status = 'running'
      returning cancel_requested`);
    if (!row) controller.abort(new Error('lease lost'));
    else if (row.cancel_requested) controller.abort(new Error('cancelled'));
  }

  /**
   * Only the current lease holder may record an outcome: a worker that lost its lease changes nothing. The terminal
   * status and its event commit together, so whoever sees the job ended also finds the event that says how.
   */
  async #finish(job: JobRow, outcome: { status: JobStatus; result?: unknown; error?: string }) {
    await this.#db.transaction(async (tx) => {
      const [row] = await tx
        .update(jobs)
        .set({
          status: outcome.status,
          result: outcome.result ?? null,
          error: outcome.error ?? null,
          leaseOwner: null,
          leaseExpiresAt: null,
          finishedAt: new Date(),
          updatedAt: new Date(),
        })
        .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.workerId), eq(jobs.status, 'running')))
        .returning({ id: jobs.id });
      if (row) {
        const data = outcome.error ? { error: outcome.error } : { result: outcome.result ?? null };
        await this.#appendEvent(job.id, outcome.status, data, tx);
      }
    });
  }

  async #fail(job: JobRow, controller: AbortController, error: Error): Promise<string> {
    const current = await this.get(job.id);
    const message = error?.message ?? String(error);
    if (current?.cancelRequested) {
      await this.#finish(job, { status: 'cancelled' });
      return 'cancelled';
    }
    if (controller.signal.aborted && this.#stopping) {
      // Shutting down: hand the job back at once instead of waiting for the lease to expire.
      await this.#db.orm
        .update(jobs)
        .set({
          status: 'queued',
          leaseOwner: null,
          leaseExpiresAt: null,
          attempts: sql`greatest(${jobs.attempts} - 1, 0)`,
          updatedAt: new Date(),
        })
        .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.workerId)));
      return 'requeued';
    }
    if (error instanceof PermanentJobError) {
      await this.#finish(job, { status: 'failed', error: message });
      return 'failed';
    }
    if (job.attempts >= job.maxAttempts) {
      await this.#finish(job, { status: 'dead', error: message });
      return 'dead';
    }
    const backoffSeconds = Math.min(300, 2 ** job.attempts);
    const [row] = await this.#db.orm
      .update(jobs)
      .set({
        status: 'queued',
        error: message,
        leaseOwner: null,
        leaseExpiresAt: null,
        runAt: new Date(Date.now() + backoffSeconds * 1000),
        updatedAt: new Date(),
      })
      .where(and(eq(jobs.id, job.id), eq(jobs.leaseOwner, this.workerId)))
      .returning({ id: jobs.id });
    if (row) await this.#appendEvent(job.id, 'retrying', { error: message, inSeconds: backoffSeconds });
    return 'retrying';
  }

  /** Jobs whose worker vanished (crash, SIGKILL) go back to the queue once their lease ends, or die if out of tries. */
  async #reapExpiredLeases(): Promise<void> {
    await this.#db.transaction(async (tx) => {
      const requeued = await this.#db.rows<{ id: string }>(
        sql`
        update kernel.jobs set status = 'queued', lease_owner = null, lease_expires_at = null, run_at = now(),
          error = 'worker lease expired', updated_at = now()
        where status = 'running' and lease_expires_at < now() and attempts < max_attempts
        returning id`,
        tx,
      );
      const dead = await this.#db.rows<{ id: string }>(
        sql`
        update kernel.jobs set status = 'dead', lease_owner = null, lease_expires_at = null, finished_at = now(),
          error = 'worker lease expired on the last attempt', updated_at = now()
        where status = 'running' and lease_expires_at < now() and attempts >= max_attempts
        returning id`,
        tx,
      );
      for (const { id } of requeued) await this.#appendEvent(id, 'retrying', { error: 'worker lease expired' }, tx);
      for (const { id } of dead)
        await this.#appendEvent(id, 'dead', { error: 'worker lease expired on the last attempt' }, tx);
    });
  }

  async #appendEvent(jobId: string, type: string, data: unknown, executor: Executor = this.#db.orm): Promise<void> {
    await executor.insert(jobEvents).values({ jobId, type, data: data ?? {} });
    await executor.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${jobId})`);
  }
}
