// Framework-free part of the SSE hook: named-event dispatch, JSON decoding and closing on terminal events.
// The browser's EventSource reconnects by itself and resends `Last-Event-ID`, which the kernel uses to
// replay what was missed (platform spec, "SSE helper"); a stream that has ended must be closed by hand
// or the browser would reconnect forever.

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export type EventHandler = (data: unknown, event: MessageEvent) => void;
export type EventHandlers = Record<string, EventHandler>;

/** The parts of EventSource this module relies on (so tests can drive it without a browser). */
export interface EventSourceLike {
  addEventListener(type: string, listener: (event: Event) => void): void;
  close(): void;
  readonly readyState: number;
}

export const jobTerminalEvents: readonly string[] = ['succeeded', 'failed', 'cancelled'];

const readyStateClosed = 2;

export interface FollowOptions {
  /** Event names after which the stream is over. */
  terminalEvents?: readonly string[];
  /** Looked up at dispatch time so callers may swap handlers without reconnecting. */
  handlers: () => EventHandlers;
  onState?: (state: ConnectionState) => void;
}

export function decodeEventData(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/** Attaches to an event source; returns the function that stops following it. */
export function followEvents(source: EventSourceLike, names: readonly string[], options: FollowOptions): () => void {
  const terminal = new Set(options.terminalEvents ?? []);
  let stopped = false;
  const setState = (state: ConnectionState) => {
    if (!stopped) options.onState?.(state);
  };
  const stop = () => {
    if (stopped) return;
    setState('closed');
    stopped = true;
    source.close();
  };

  source.addEventListener('open', () => setState('open'));
  source.addEventListener('error', () => {
    // CONNECTING after an error means the browser is retrying; CLOSED means it gave up (e.g. HTTP 4xx).
    if (source.readyState === readyStateClosed) stop();
    else setState('reconnecting');
  });
  for (const name of new Set([...names, ...terminal])) {
    source.addEventListener(name, (event) => {
      if (stopped) return;
      const message = event as MessageEvent;
      options.handlers()[name]?.(decodeEventData(message.data), message);
      if (terminal.has(name)) stop();
    });
  }
  setState('connecting');
  return stop;
}
