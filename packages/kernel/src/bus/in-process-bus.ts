/**
 * Default bus for a single process (embedded mode, tests): NATS core semantics without a server. Messages are JSON
 * encoded on publish and decoded per delivery, so handlers see the same values, and the same isolation, as on NATS.
 * Delivery is asynchronous like a network hop: publish returns before any handler runs.
 */
import {
  BusClosedError,
  type BusHandler,
  type BusHeaders,
  type BusLogger,
  BusNoRespondersError,
  type BusOptions,
  type BusReply,
  BusTimeoutError,
  checkHeaders,
  checkMessageId,
  checkTimeout,
  consoleBusLogger,
  DEFAULT_DEDUP_WINDOW,
  DEFAULT_REQUEST_TIMEOUT_MS,
  decodePayload,
  type EventBus,
  encodePayload,
  type PublishOptions,
  type RequestOptions,
  type SubscribeOptions,
  type Subscription,
} from './bus.ts';
import { type Deduplicator, DedupWindows } from './dedup.ts';
import { createBusMessage, invokeHandler, type ReplySender } from './message.ts';
import { checkLiteralSubject, checkPattern, checkQueueName, tokensMatch } from './subject-matcher.ts';

interface Delivery {
  subject: string;
  bytes: Uint8Array;
  headers: BusHeaders;
  messageId?: string;
  sendReply?: ReplySender;
}

// A long run of synchronous handlers would otherwise hold the event loop; yield to I/O this often.
const DELIVERIES_PER_TURN = 256;

class InProcessSubscription implements Subscription {
  readonly pattern: string;
  readonly queue?: string;
  readonly tokens: readonly string[];
  readonly dedup: Deduplicator;
  readonly #handler: BusHandler<unknown>;
  readonly #logger: BusLogger;
  readonly #detach: () => void;
  #pending: Delivery[] = [];
  #pumping = false;
  #closed = false;
  #idleWaiters: Array<() => void> = [];

  constructor(
    pattern: string,
    queue: string | undefined,
    handler: BusHandler<unknown>,
    logger: BusLogger,
    dedup: Deduplicator,
    detach: () => void,
  ) {
    this.pattern = pattern;
    this.queue = queue;
    this.tokens = pattern.split('.');
    this.#handler = handler;
    this.#logger = logger;
    this.dedup = dedup;
    this.#detach = detach;
  }

  get idle(): boolean {
    return !this.#pumping && this.#pending.length === 0;
  }

  enqueue(delivery: Delivery): void {
    if (this.#closed) return;
    this.#pending.push(delivery);
    if (!this.#pumping) {
      this.#pumping = true;
      setImmediate(() => void this.#pump());
    }
  }

  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pending = [];
    this.#detach();
  }

  /** Resolves once every delivery already queued has been handled (or dropped by unsubscribe). */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  async #pump(): Promise<void> {
    let handledThisTurn = 0;
    while (!this.#closed && this.#pending.length > 0) {
      // Take the whole backlog at once: Array#shift on a long queue would make delivery quadratic.
      const batch = this.#pending;
      this.#pending = [];
      for (const delivery of batch) {
        if (this.#closed) break;
        const message = createBusMessage({
          subject: delivery.subject,
          data: decodePayload(delivery.bytes),
          headers: delivery.headers,
          messageId: delivery.messageId,
          sendReply: delivery.sendReply,
        });
        await invokeHandler(this.#handler, message, this.#logger, { pattern: this.pattern, queue: this.queue });
        if (++handledThisTurn >= DELIVERIES_PER_TURN) {
          handledThisTurn = 0;
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
    }
    this.#pumping = false;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

interface PendingRequest {
  fail(error: Error): void;
}

export class InProcessBus implements EventBus {
  readonly #logger: BusLogger;
  readonly #dedupWindows: DedupWindows;
  readonly #subscriptions = new Set<InProcessSubscription>();
  readonly #pendingRequests = new Set<PendingRequest>();
  // Round-robin position per queue group name, so group members share the load evenly and deterministically.
  readonly #queueCursor = new Map<string, number>();
  #state: 'open' | 'draining' | 'closed' = 'open';

  constructor(options: BusOptions = {}) {
    this.#logger = options.logger ?? consoleBusLogger;
    this.#dedupWindows = new DedupWindows(options.dedupWindow ?? DEFAULT_DEDUP_WINDOW);
  }

  publish(subject: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    try {
      // Handlers may still respond and publish while the bus drains, as on a draining NATS connection.
      if (this.#state === 'closed') throw new BusClosedError();
      const tokens = checkLiteralSubject(subject);
      checkHeaders(options.headers);
      checkMessageId(options.messageId);
      const bytes = encodePayload(payload);
      this.#route(tokens, { subject, bytes, headers: { ...options.headers }, messageId: options.messageId });
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  subscribe<T = unknown>(pattern: string, handler: BusHandler<T>, options: SubscribeOptions = {}): Subscription {
    if (this.#state !== 'open') throw new BusClosedError(`bus is ${this.#state}`);
    checkPattern(pattern);
    if (options.queue !== undefined) checkQueueName(options.queue);
    const { window, release } = this.#dedupWindows.acquire(options.queue);
    const subscription = new InProcessSubscription(
      pattern,
      options.queue,
      handler as BusHandler<unknown>,
      this.#logger,
      window,
      () => {
        this.#subscriptions.delete(subscription);
        release();
      },
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  request<T = unknown>(subject: string, payload: unknown, options: RequestOptions = {}): Promise<BusReply<T>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    let tokens: string[];
    let bytes: Uint8Array;
    try {
      if (this.#state !== 'open') throw new BusClosedError(`bus is ${this.#state}`);
      tokens = checkLiteralSubject(subject);
      checkHeaders(options.headers);
      checkTimeout(timeoutMs);
      bytes = encodePayload(payload);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<BusReply<T>>((resolve, reject) => {
      const pending: PendingRequest = { fail: (error) => settle(() => reject(error)) };
      const timer = setTimeout(() => pending.fail(new BusTimeoutError(subject, timeoutMs)), timeoutMs);
      let settled = false;
      const settle = (finish: () => void): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        this.#pendingRequests.delete(pending);
        finish();
        return true;
      };
      // First reply wins, as with a NATS request; later replies are dropped.
      const sendReply: ReplySender = (replyBytes, headers) =>
        settle(() => resolve({ data: decodePayload(replyBytes) as T, headers }));
      this.#pendingRequests.add(pending);
      const delivered = this.#route(tokens, { subject, bytes, headers: { ...options.headers }, sendReply });
      // NATS answers a request nobody listens to with a 503 status at once instead of letting it time out.
      if (delivered === 0) pending.fail(new BusNoRespondersError(subject));
    });
  }

  /** Publishing in process hands the message over at once; there is no broker to wait for. */
  async flush(): Promise<void> {}

  async drain(): Promise<void> {
    if (this.#state !== 'open') return this.close();
    this.#state = 'draining';
    // Handlers may publish to other subscriptions while draining; repeat until a full pass finds nothing queued.
    while ([...this.#subscriptions].some((subscription) => !subscription.idle)) {
      await Promise.all([...this.#subscriptions].map((subscription) => subscription.whenIdle()));
    }
    await this.close();
  }

  async close(): Promise<void> {
    this.#state = 'closed';
    for (const subscription of [...this.#subscriptions]) subscription.unsubscribe();
    for (const pending of [...this.#pendingRequests]) pending.fail(new BusClosedError());
  }

  /** Hands a delivery to every matching plain subscription and to one member per queue group; returns the matches. */
  #route(subjectTokens: readonly string[], delivery: Delivery): number {
    const groups = new Map<string, InProcessSubscription[]>();
    let matched = 0;
    for (const subscription of this.#subscriptions) {
      if (!tokensMatch(subscription.tokens, subjectTokens)) continue;
      matched++;
      if (subscription.queue === undefined) {
        if (delivery.messageId !== undefined && subscription.dedup.isDuplicate(delivery.messageId)) continue;
        subscription.enqueue(delivery);
      } else {
        const members = groups.get(subscription.queue);
        if (members) members.push(subscription);
        else groups.set(subscription.queue, [subscription]);
      }
    }
    for (const [queue, members] of groups) {
      // Members of one group share a window (see DedupWindows), so any member can answer for the group.
      if (delivery.messageId !== undefined && members[0].dedup.isDuplicate(delivery.messageId)) continue;
      const cursor = this.#queueCursor.get(queue) ?? 0;
      this.#queueCursor.set(queue, cursor + 1);
      members[cursor % members.length].enqueue(delivery);
    }
    return matched;
  }
}
