/**
 * Durable streams for events that must survive a consumer crash (spec 00-platform "Background work": NATS with
 * JetStream when `NATS_URL` is set). Apps get them as `kernel.streams` only on NATS; in embedded mode the kernel outbox
 * is the durable path. A publish resolves once the stream stored the message (or recognised its id as a duplicate
 * within the duplicate window); a consumer acknowledges a message only after its handler resolved, so a crash between
 * commit and ack redelivers it and the handler must be idempotent (https://docs.nats.io/nats-concepts/jetstream).
 */
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  JetStreamApiError,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { type BusLogger, decodePayload, encodePayload, MESSAGE_ID_HEADER } from './bus.ts';
import { checkLiteralSubject } from './subject-matcher.ts';

const nanos = (ms: number): number => ms * 1_000_000;
/** JetStream answers 10058 when a stream with that name exists with another configuration. */
const STREAM_NAME_IN_USE = 10058;
/** JetStream answers 10014 for an unknown consumer. */
const CONSUMER_NOT_FOUND = 10014;
/** Delay before a failed message comes back, so a persistent failure does not spin. */
const RETRY_DELAY_MS = 1000;

export interface DurableStreamConfig {
  /** Stream name, e.g. `OPMAS_FINDINGS`. */
  name: string;
  /** Subjects the stream captures (wildcards allowed). */
  subjects: string[];
  /** Messages older than this are dropped (0 keeps them). */
  maxAgeMs: number;
  /** Window in which a repeated message id is stored once. */
  duplicateWindowMs: number;
}

export interface DurableConsumerOptions {
  stream: string;
  /** Durable consumer name: every process using it shares one position and one set of pending messages. */
  durable: string;
  /** Only these subjects of the stream. */
  filterSubject?: string;
  /** A message not acknowledged within this time is delivered again (to any member). */
  ackWaitMs: number;
  /** How many unacknowledged messages the server hands out at once (1 keeps strict stream order across members). */
  maxAckPending: number;
}

export interface DurableMessage<T = unknown> {
  readonly subject: string;
  readonly data: T;
  readonly messageId?: string;
  /** How many times the server delivered this message (1 on the first delivery). */
  readonly deliveryCount: number;
}

export interface DurableConsumer {
  /** Stops fetching, waits for the message in hand; messages not yet acknowledged stay pending on the server. */
  stop(): Promise<void>;
}

export interface StreamState {
  messages: number;
  firstSequence: number;
  lastSequence: number;
}

export interface ConsumerState {
  /** Messages the consumer has not been given yet. */
  pending: number;
  /** Messages given out and not acknowledged yet. */
  ackPending: number;
  /** Messages given out more than once and not acknowledged yet. */
  redelivered: number;
}

export interface DurableStreams {
  /** Creates the stream or updates its limits. */
  ensureStream(config: DurableStreamConfig): Promise<void>;
  /** Stores one message; `duplicate` when the id was seen inside the duplicate window. */
  publish(subject: string, payload: unknown, options: { messageId: string }): Promise<{ duplicate: boolean }>;
  /** Delivers messages one at a time in stream order; ack after the handler resolves, retry later when it throws. */
  consume<T>(
    options: DurableConsumerOptions,
    handler: (message: DurableMessage<T>) => Promise<void>,
  ): Promise<DurableConsumer>;
  /** Message count and sequence range of a stream. */
  state(stream: string): Promise<StreamState>;
  /** Backlog of a durable consumer. */
  consumerState(stream: string, durable: string): Promise<ConsumerState>;
  /** Deletes a durable consumer (its position and pending acknowledgements); false when there was none. */
  removeConsumer(stream: string, durable: string): Promise<boolean>;
}

/** JetStream over the kernel bus's NATS connection. */
export class JetStreamStreams implements DurableStreams {
  readonly #client: JetStreamClient;
  readonly #manager: Promise<JetStreamManager>;
  readonly #logger: BusLogger;

  constructor(connection: NatsConnection, logger: BusLogger) {
    this.#client = jetstream(connection);
    this.#manager = jetstreamManager(connection);
    this.#logger = logger;
  }

  async ensureStream(config: DurableStreamConfig): Promise<void> {
    const manager = await this.#manager;
    const limits = {
      subjects: config.subjects,
      max_age: nanos(config.maxAgeMs),
      duplicate_window: nanos(config.duplicateWindowMs),
    };
    try {
      await manager.streams.add({ name: config.name, ...limits });
    } catch (error) {
      if (!(error instanceof JetStreamApiError) || error.code !== STREAM_NAME_IN_USE) throw error;
      await manager.streams.update(config.name, limits);
    }
  }

  async publish(subject: string, payload: unknown, options: { messageId: string }): Promise<{ duplicate: boolean }> {
    checkLiteralSubject(subject);
    const acknowledgement = await this.#client.publish(subject, encodePayload(payload), { msgID: options.messageId });
    return { duplicate: acknowledgement.duplicate };
  }

  async consume<T>(
    options: DurableConsumerOptions,
    handler: (message: DurableMessage<T>) => Promise<void>,
  ): Promise<DurableConsumer> {
    const manager = await this.#manager;
    const settings = {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(options.ackWaitMs),
      max_ack_pending: options.maxAckPending,
      ...(options.filterSubject ? { filter_subject: options.filterSubject } : {}),
    };
    try {
      await manager.consumers.add(options.stream, settings);
    } catch (error) {
      // An existing durable keeps its position; only its limits are updated.
      if (!(error instanceof JetStreamApiError)) throw error;
      await manager.consumers.update(options.stream, options.durable, {
        ack_wait: settings.ack_wait,
        max_ack_pending: settings.max_ack_pending,
      });
    }
    const consumer = await this.#client.consumers.get(options.stream, options.durable);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: options.maxAckPending });
    const context = { stream: options.stream, durable: options.durable };
    const loop = this.#deliver(messages, handler).catch((error: unknown) => {
      // The connection went away (process shutdown or crash): unacknowledged messages stay pending on the server.
      this.#logger.warn({ err: error, ...context }, 'durable consumer stopped');
    });
    let stopped: Promise<void> | undefined;
    return {
      stop: () => {
        stopped ??= messages
          .close()
          .catch(() => undefined)
          .then(() => loop);
        return stopped;
      },
    };
  }

  async #deliver<T>(messages: ConsumerMessages, handler: (message: DurableMessage<T>) => Promise<void>): Promise<void> {
    for await (const message of messages) {
      const messageId = message.headers?.get(MESSAGE_ID_HEADER) || undefined;
      let data: T;
      try {
        data = decodePayload(message.data) as T;
      } catch (error) {
        // Not ours to interpret: acknowledging keeps a poison message from blocking the stream.
        this.#logger.warn({ err: error, subject: message.subject }, 'durable message dropped: not JSON');
        message.ack();
        continue;
      }
      try {
        await handler({ subject: message.subject, data, messageId, deliveryCount: message.info.deliveryCount });
      } catch (error) {
        this.#logger.error({ err: error, subject: message.subject }, 'durable message handler failed');
        message.nak(RETRY_DELAY_MS);
        continue;
      }
      message.ack();
    }
  }

  async state(stream: string): Promise<StreamState> {
    const info = await (await this.#manager).streams.info(stream);
    return { messages: info.state.messages, firstSequence: info.state.first_seq, lastSequence: info.state.last_seq };
  }

  async consumerState(stream: string, durable: string): Promise<ConsumerState> {
    const info = await (await this.#manager).consumers.info(stream, durable);
    return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
  }

  async removeConsumer(stream: string, durable: string): Promise<boolean> {
    try {
      return await (await this.#manager).consumers.delete(stream, durable);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === CONSUMER_NOT_FOUND) return false;
      throw error;
    }
  }
}
