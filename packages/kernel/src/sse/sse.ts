import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseEvent {
  /** Event id; clients send the last one back as Last-Event-ID when they reconnect. */
  id?: string | number;
  /** Event name (`message` when absent). */
  event?: string;
  data: unknown;
}

export interface SseStream {
  send(event: SseEvent): void;
  close(): void;
  readonly closed: boolean;
  /** Called once when the client goes away or the stream is closed. */
  onClose(listener: () => void): void;
}

/** The id a reconnecting EventSource sends back (header), or `?lastEventId=` for clients that cannot set headers. */
export function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  const value =
    (Array.isArray(header) ? header[0] : header) ??
    (request.query as { lastEventId?: string } | undefined)?.lastEventId;
  return value?.trim() || undefined;
}

/**
 * Server-Sent Events (https://html.spec.whatwg.org/multipage/server-sent-events.html) on a hijacked reply: a comment
 * heartbeat every 15 s keeps proxies from closing idle streams; `X-Accel-Buffering: no` stops nginx buffering.
 */
export function openSse(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { heartbeatMs?: number; retryMs?: number } = {},
): SseStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(`retry: ${options.retryMs ?? 2000}\n\n`);
  const listeners: (() => void)[] = [];
  let closed = false;
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const listener of listeners.splice(0)) listener();
  };
  request.raw.on('close', finish);
  return {
    get closed() {
      return closed;
    },
    send(event) {
      if (closed) return;
      let frame = '';
      if (event.id !== undefined) frame += `id: ${String(event.id).replace(/[\r\n]/g, '')}\n`;
      if (event.event) frame += `event: ${event.event.replace(/[\r\n]/g, '')}\n`;
      const text = typeof event.data === 'string' ? event.data : JSON.stringify(event.data);
      for (const line of text.split(/\r?\n/)) frame += `data: ${line}\n`;
      raw.write(`${frame}\n`);
    },
    close() {
      if (closed) return;
      finish();
      raw.end();
    },
    onClose(listener) {
      if (closed) listener();
      else listeners.push(listener);
    },
  };
}
