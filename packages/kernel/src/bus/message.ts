/** Pieces shared by both bus implementations: building the handler's message and running handlers safely. */
import {
  type BusHandler,
  type BusHeaders,
  type BusLogger,
  type BusMessage,
  checkHeaders,
  encodePayload,
  type RespondOptions,
} from './bus.ts';

/** Sends encoded reply bytes back to the requester; absent when the message was a plain publish. */
export type ReplySender = (bytes: Uint8Array, headers: BusHeaders) => boolean;

export interface MessageParts {
  subject: string;
  data: unknown;
  headers: BusHeaders;
  messageId?: string;
  sendReply?: ReplySender;
}

export function createBusMessage<T>(parts: MessageParts): BusMessage<T> {
  const { sendReply } = parts;
  return {
    subject: parts.subject,
    data: parts.data as T,
    headers: parts.headers,
    messageId: parts.messageId,
    expectsReply: sendReply !== undefined,
    respond(data: unknown, options?: RespondOptions): boolean {
      if (!sendReply) return false;
      checkHeaders(options?.headers);
      return sendReply(encodePayload(data), { ...options?.headers });
    },
  };
}

export interface HandlerContext {
  pattern: string;
  queue?: string;
}

/** Runs one handler; a throw or rejection is logged with its subject and never propagates to the publisher. */
export async function invokeHandler<T>(
  handler: BusHandler<T>,
  message: BusMessage<T>,
  logger: BusLogger,
  context: HandlerContext,
): Promise<void> {
  try {
    await handler(message);
  } catch (error) {
    logger.error(
      { err: error, subject: message.subject, pattern: context.pattern, queue: context.queue },
      'bus handler failed',
    );
  }
}
