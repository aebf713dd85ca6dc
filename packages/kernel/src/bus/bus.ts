/**
 * The kernel event bus: one interface, two implementations (in-process by default, NATS when `NATS_URL` is set),
 * both held to the same contract tests (`bus.contract.ts`). Subjects follow NATS rules
 * (https://docs.nats.io/nats-concepts/subjects) so code written against the in-process bus behaves the same on NATS.
 */

/** Header that carries a message id; the name JetStream uses for its duplicate window, so ids survive a later switch. */
export const MESSAGE_ID_HEADER = 'Nats-Msg-Id';

/** Upper bound on remembered message ids per subscription (or per queue group) when none is configured. */
export const DEFAULT_DEDUP_WINDOW = 10_000;

/** Request timeout when the caller does not choose one. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

export type BusHeaders = Readonly<Record<string, string>>;

export interface PublishOptions {
  headers?: BusHeaders;
  /**
   * Stable id of this logical message (e.g. the outbox row id). Subscribers see a given id once within their
   * de-duplication window, which turns the outbox relay's at-least-once publishing into effectively-once handling.
   */
  messageId?: string;
}

export interface SubscribeOptions {
  /** Queue group: each message goes to exactly one member of the group (NATS queue semantics). */
  queue?: string;
}

export interface RequestOptions {
  timeoutMs?: number;
  headers?: BusHeaders;
}

export interface RespondOptions {
  headers?: BusHeaders;
}

/** A delivered message. `data` is the decoded JSON payload; it is a private copy, safe to mutate. */
export interface BusMessage<T = unknown> {
  readonly subject: string;
  readonly data: T;
  /** Application headers; the message id is exposed separately as `messageId`. */
  readonly headers: BusHeaders;
  readonly messageId?: string;
  /** True when the publisher is waiting for a reply (the message came from `request`). */
  readonly expectsReply: boolean;
  /** Replies to a request; returns false (and sends nothing) when there is no requester to answer (plain publish). */
  respond(data: unknown, options?: RespondOptions): boolean;
}

export interface BusReply<T = unknown> {
  readonly data: T;
  readonly headers: BusHeaders;
}

/**
 * Handlers of one subscription run one at a time in arrival order, so a slow async handler applies back-pressure to
 * its own subscription only. A throwing handler is logged and never reaches the publisher.
 */
export type BusHandler<T = unknown> = (message: BusMessage<T>) => void | Promise<void>;

export interface Subscription {
  readonly pattern: string;
  readonly queue?: string;
  /** Stops delivery at once; messages not yet handed to the handler are dropped. */
  unsubscribe(): void;
}

export interface EventBus {
  /**
   * Publishes a JSON-serialisable payload. Messages of one publisher on one subject arrive in publish order. The
   * promise settles once the message is handed to the transport; subject and payload errors reject it.
   */
  publish(subject: string, payload: unknown, options?: PublishOptions): Promise<void>;
  /** Subscribes to a subject or a wildcard pattern (`*` one token, `>` one or more trailing tokens). */
  subscribe<T = unknown>(pattern: string, handler: BusHandler<T>, options?: SubscribeOptions): Subscription;
  /** Sends a request and resolves with the first reply; rejects with `BusTimeoutError` or `BusNoRespondersError`. */
  request<T = unknown>(subject: string, payload: unknown, options?: RequestOptions): Promise<BusReply<T>>;
  /** Resolves once everything published so far has reached the broker (a NATS round trip; immediate in process). */
  flush(): Promise<void>;
  /** Lets every subscription finish the messages it already received, then closes. */
  drain(): Promise<void>;
  /** Closes at once: pending deliveries are dropped and pending requests fail with `BusClosedError`. */
  close(): Promise<void>;
}

/** Structured logger (pino-compatible) that receives handler failures and dropped messages. */
export interface BusLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface BusOptions {
  logger?: BusLogger;
  /** How many message ids each subscription (or queue group) remembers for de-duplication. */
  dedupWindow?: number;
}

export const consoleBusLogger: BusLogger = {
  error: (details, message) => console.error(message, details),
  warn: (details, message) => console.warn(message, details),
};

export type BusErrorCode =
  | 'bus_invalid_subject'
  | 'bus_invalid_argument'
  | 'bus_timeout'
  | 'bus_no_responders'
  | 'bus_closed';

export class BusError extends Error {
  readonly code: BusErrorCode;
  constructor(code: BusErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
  }
}

export class BusSubjectError extends BusError {
  readonly subject: string;
  constructor(subject: string, reason: string) {
    super('bus_invalid_subject', `invalid subject ${JSON.stringify(subject)}: ${reason}`);
    this.name = 'BusSubjectError';
    this.subject = subject;
  }
}

export class BusArgumentError extends BusError {
  constructor(message: string, options?: ErrorOptions) {
    super('bus_invalid_argument', message, options);
    this.name = 'BusArgumentError';
  }
}

export class BusTimeoutError extends BusError {
  readonly subject: string;
  readonly timeoutMs: number;
  constructor(subject: string, timeoutMs: number) {
    super('bus_timeout', `request on ${subject} timed out after ${timeoutMs} ms`);
    this.name = 'BusTimeoutError';
    this.subject = subject;
    this.timeoutMs = timeoutMs;
  }
}

export class BusNoRespondersError extends BusError {
  readonly subject: string;
  constructor(subject: string) {
    super('bus_no_responders', `no responders for ${subject}`);
    this.name = 'BusNoRespondersError';
    this.subject = subject;
  }
}

export class BusClosedError extends BusError {
  constructor(message = 'bus is closed') {
    super('bus_closed', message);
    this.name = 'BusClosedError';
  }
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** Encodes a payload as JSON bytes, rejecting values JSON cannot carry instead of silently sending `undefined`. */
export function encodePayload(payload: unknown): Uint8Array {
  let json: string | undefined;
  try {
    json = JSON.stringify(payload);
  } catch (error) {
    throw new BusArgumentError('payload is not JSON-serialisable', { cause: error });
  }
  if (json === undefined) throw new BusArgumentError(`payload of type ${typeof payload} is not JSON-serialisable`);
  return textEncoder.encode(json);
}

/** Decodes JSON bytes; an empty body (e.g. from a foreign publisher) reads as null. */
export function decodePayload(bytes: Uint8Array): unknown {
  if (bytes.length === 0) return null;
  return JSON.parse(textDecoder.decode(bytes));
}

// Header names are HTTP-style tokens; values must not break the NATS/1.0 header block (no CR or LF).
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Validates application headers; the message id must travel through `messageId`, not as a raw header. */
export function checkHeaders(headers: BusHeaders | undefined): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name)) throw new BusArgumentError(`invalid header name ${JSON.stringify(name)}`);
    if (typeof value !== 'string' || /[\r\n]/.test(value)) {
      throw new BusArgumentError(`invalid value for header ${name}`);
    }
    if (name.toLowerCase() === MESSAGE_ID_HEADER.toLowerCase()) {
      throw new BusArgumentError(`set ${MESSAGE_ID_HEADER} through the messageId option`);
    }
  }
}

export function checkMessageId(messageId: string | undefined): void {
  if (messageId === undefined) return;
  if (typeof messageId !== 'string' || messageId.length === 0 || /[\r\n]/.test(messageId)) {
    throw new BusArgumentError('messageId must be a non-empty string without line breaks');
  }
}

export function checkTimeout(timeoutMs: number): void {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new BusArgumentError('timeoutMs must be a positive number');
}
