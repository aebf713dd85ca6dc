/**
 * Bus over core NATS (`@nats-io/transport-node` v3). Payloads travel as JSON bytes; the message id travels in the
 * `Nats-Msg-Id` header so a JetStream stream bound to the same subjects de-duplicates it server-side too.
 * Subjects are validated before they reach the client so both implementations reject the same input.
 */
import {
  ClosedConnectionError,
  connect,
  DrainingConnectionError,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription as NatsSubscription,
  headers as natsHeaders,
  RequestError,
  TimeoutError,
} from '@nats-io/transport-node';
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
  MESSAGE_ID_HEADER,
  type PublishOptions,
  type RequestOptions,
  type SubscribeOptions,
  type Subscription,
} from './bus.ts';
import { type Deduplicator, DedupWindows } from './dedup.ts';
import { createBusMessage, invokeHandler } from './message.ts';
import { checkLiteralSubject, checkPattern, checkQueueName } from './subject-matcher.ts';

export interface NatsBusOptions extends BusOptions {
  /** One URL or a comma-separated list (as `NATS_URL` is usually given). */
  url: string;
  /** Connection name shown in the server's monitoring endpoints. */
  name?: string;
}

function toNatsHeaders(headers: BusHeaders | undefined, messageId: string | undefined): MsgHdrs | undefined {
  const entries = Object.entries(headers ?? {});
  if (entries.length === 0 && messageId === undefined) return undefined;
  const result = natsHeaders();
  for (const [name, value] of entries) result.set(name, value);
  if (messageId !== undefined) result.set(MESSAGE_ID_HEADER, messageId);
  return result;
}

/** Splits NATS headers into application headers and the message id (first value of each name). */
function fromNatsHeaders(source: MsgHdrs | undefined): { headers: BusHeaders; messageId?: string } {
  const headers: Record<string, string> = {};
  let messageId: string | undefined;
  for (const [name, values] of source ?? []) {
    if (name.toLowerCase() === MESSAGE_ID_HEADER.toLowerCase()) messageId = values[0];
    else headers[name] = values[0] ?? '';
  }
  return { headers, messageId };
}

/** Maps client errors onto the bus's typed errors so callers never depend on the transport. */
function toBusError(error: unknown, subject: string, timeoutMs?: number): unknown {
  if (error instanceof TimeoutError) return new BusTimeoutError(subject, timeoutMs ?? 0);
  if (error instanceof RequestError && error.isNoResponders()) return new BusNoRespondersError(subject);
  if (error instanceof RequestError && error.cause instanceof TimeoutError) {
    return new BusTimeoutError(subject, timeoutMs ?? 0);
  }
  if (error instanceof ClosedConnectionError) return new BusClosedError();
  if (error instanceof DrainingConnectionError) return new BusClosedError('bus is draining');
  if (error instanceof RequestError && /connection (closed|disconnected)/.test(error.message)) {
    return new BusClosedError(error.message);
  }
  return error;
}

class NatsBusSubscription implements Subscription {
  readonly pattern: string;
  readonly queue?: string;
  readonly natsSubscription: NatsSubscription;
  /** Settles when the delivery loop has handled its last message. */
  readonly finished: Promise<void>;
  #closed = false;
  readonly #release: () => void;

  constructor(
    natsSubscription: NatsSubscription,
    pattern: string,
    queue: string | undefined,
    handler: BusHandler<unknown>,
    logger: BusLogger,
    dedup: Deduplicator,
    release: () => void,
  ) {
    this.pattern = pattern;
    this.queue = queue;
    this.natsSubscription = natsSubscription;
    this.#release = release;
    // A subscription can end in error (e.g. a permission violation); report it rather than leave a rejection unhandled.
    this.finished = this.#deliver(handler, logger, dedup)
      .catch((error: unknown) => logger.error({ err: error, pattern, queue }, 'bus subscription failed'))
      .finally(release);
  }

  unsubscribe(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
    if (!this.natsSubscription.isClosed()) this.natsSubscription.unsubscribe();
  }

  // Iterating (rather than a callback) runs handlers of one subscription one at a time, in arrival order.
  async #deliver(handler: BusHandler<unknown>, logger: BusLogger, dedup: Deduplicator): Promise<void> {
    const context = { pattern: this.pattern, queue: this.queue };
    for await (const natsMessage of this.natsSubscription) {
      // The client yields what it had buffered even after unsubscribe; unsubscribe means no further delivery.
      if (this.#closed) break;
      const { headers, messageId } = fromNatsHeaders(natsMessage.headers);
      if (messageId !== undefined && dedup.isDuplicate(messageId)) continue;
      let data: unknown;
      try {
        data = decodePayload(natsMessage.data);
      } catch (error) {
        logger.warn(
          { err: error, subject: natsMessage.subject, ...context },
          'bus message dropped: payload is not JSON',
        );
        continue;
      }
      const message = createBusMessage({
        subject: natsMessage.subject,
        data,
        headers,
        messageId,
        sendReply: natsMessage.reply ? (bytes, replyHeaders) => respond(natsMessage, bytes, replyHeaders) : undefined,
      });
      await invokeHandler(handler, message, logger, context);
    }
  }
}

function respond(natsMessage: Msg, bytes: Uint8Array, headers: BusHeaders): boolean {
  return natsMessage.respond(bytes, { headers: toNatsHeaders(headers, undefined) });
}

export class NatsBus implements EventBus {
  readonly connection: NatsConnection;
  readonly #logger: BusLogger;
  readonly #dedupWindows: DedupWindows;
  readonly #subscriptions = new Set<NatsBusSubscription>();

  constructor(connection: NatsConnection, options: BusOptions = {}) {
    this.connection = connection;
    this.#logger = options.logger ?? consoleBusLogger;
    this.#dedupWindows = new DedupWindows(options.dedupWindow ?? DEFAULT_DEDUP_WINDOW);
  }

  publish(subject: string, payload: unknown, options: PublishOptions = {}): Promise<void> {
    try {
      checkLiteralSubject(subject);
      checkHeaders(options.headers);
      checkMessageId(options.messageId);
      const bytes = encodePayload(payload);
      this.connection.publish(subject, bytes, { headers: toNatsHeaders(options.headers, options.messageId) });
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toBusError(error, subject));
    }
  }

  subscribe<T = unknown>(pattern: string, handler: BusHandler<T>, options: SubscribeOptions = {}): Subscription {
    checkPattern(pattern);
    if (options.queue !== undefined) checkQueueName(options.queue);
    let natsSubscription: NatsSubscription;
    try {
      natsSubscription = this.connection.subscribe(pattern, { queue: options.queue });
    } catch (error) {
      throw toBusError(error, pattern);
    }
    const { window, release } = this.#dedupWindows.acquire(options.queue);
    const subscription = new NatsBusSubscription(
      natsSubscription,
      pattern,
      options.queue,
      handler as BusHandler<unknown>,
      this.#logger,
      window,
      release,
    );
    this.#subscriptions.add(subscription);
    void subscription.finished.then(() => this.#subscriptions.delete(subscription));
    return subscription;
  }

  async request<T = unknown>(subject: string, payload: unknown, options: RequestOptions = {}): Promise<BusReply<T>> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    checkLiteralSubject(subject);
    checkHeaders(options.headers);
    checkTimeout(timeoutMs);
    const bytes = encodePayload(payload);
    let reply: Msg;
    try {
      reply = await this.connection.request(subject, bytes, {
        timeout: timeoutMs,
        headers: toNatsHeaders(options.headers, undefined),
      });
    } catch (error) {
      throw toBusError(error, subject, timeoutMs);
    }
    return { data: decodePayload(reply.data) as T, headers: fromNatsHeaders(reply.headers).headers };
  }

  async flush(): Promise<void> {
    await this.connection.flush();
  }

  async drain(): Promise<void> {
    if (this.connection.isClosed()) return;
    // Drain subscriptions first and wait for their handlers, so replies and publishes made while finishing still go
    // out before the connection stops accepting them.
    const subscriptions = [...this.#subscriptions];
    await Promise.all(
      subscriptions.map((subscription) =>
        subscription.natsSubscription.isClosed() ? undefined : subscription.natsSubscription.drain(),
      ),
    );
    await Promise.all(subscriptions.map((subscription) => subscription.finished));
    if (!this.connection.isClosed() && !this.connection.isDraining()) await this.connection.drain();
  }

  async close(): Promise<void> {
    for (const subscription of [...this.#subscriptions]) subscription.unsubscribe();
    if (!this.connection.isClosed()) await this.connection.close();
  }
}

/** Connects to NATS and returns a bus over that connection; the bus owns the connection and closes it. */
export async function connectNatsBus(options: NatsBusOptions): Promise<NatsBus> {
  const servers = options.url
    .split(',')
    .map((server) => server.trim())
    .filter((server) => server.length > 0);
  // A platform process outlives NATS restarts: keep reconnecting instead of giving up after the default 10 tries.
  const connection = await connect({ servers, name: options.name, maxReconnectAttempts: -1 });
  void reportConnectionEvents(connection, options.logger ?? consoleBusLogger);
  return new NatsBus(connection, options);
}

async function reportConnectionEvents(connection: NatsConnection, logger: BusLogger): Promise<void> {
  for await (const status of connection.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect') {
      logger.warn({ server: status.server }, `nats ${status.type}`);
    } else if (status.type === 'error') {
      logger.error({ err: status.error }, 'nats error');
    } else if (status.type === 'slowConsumer') {
      logger.warn({ subject: status.sub.getSubject(), pending: status.pending }, 'nats slow consumer');
    }
  }
}
