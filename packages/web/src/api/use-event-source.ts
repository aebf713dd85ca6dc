import { useEffect, useRef, useState } from 'react';
import { apiUrl } from './base-path.ts';
import { type ConnectionState, type EventHandlers, followEvents } from './follow-events.ts';

export interface UseEventSourceOptions {
  /** Event names after which the stream is closed instead of letting the browser reconnect. */
  terminalEvents?: readonly string[];
}

/**
 * Follows a server-sent event stream (`url` relative to the base path; null = not connected).
 * `handlers` maps event names to callbacks receiving the JSON-decoded `data`; a new handlers object
 * on every render does not reconnect, only a different url or set of event names does.
 */
export function useEventSource(
  url: string | null,
  handlers: EventHandlers,
  options: UseEventSourceOptions = {},
): ConnectionState {
  const [state, setState] = useState<ConnectionState>(url ? 'connecting' : 'closed');
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;
  const names = Object.keys(handlers).sort().join(',');
  const terminal = (options.terminalEvents ?? []).join(',');

  useEffect(() => {
    if (!url) {
      setState('closed');
      return;
    }
    const source = new EventSource(apiUrl(url), { withCredentials: false });
    return followEvents(source, names ? names.split(',') : [], {
      terminalEvents: terminal ? terminal.split(',') : [],
      handlers: () => handlersRef.current,
      onState: setState,
    });
  }, [url, names, terminal]);

  return state;
}
