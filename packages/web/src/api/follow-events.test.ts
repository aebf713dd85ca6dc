import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ConnectionState,
  decodeEventData,
  type EventSourceLike,
  followEvents,
  jobTerminalEvents,
} from './follow-events.ts';

/** Plays the server's part: emits the events an EventSource would dispatch. */
class ScriptedEventSource extends EventTarget implements EventSourceLike {
  readyState = 0;
  closed = false;
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  emit(type: string, data: string, lastEventId = '') {
    this.dispatchEvent(new MessageEvent(type, { data, lastEventId }));
  }
  fail(readyState: number) {
    this.readyState = readyState;
    this.dispatchEvent(new Event('error'));
  }
}

function follow(source: ScriptedEventSource, names: string[]) {
  const received: [string, unknown, string][] = [];
  const states: ConnectionState[] = [];
  const handlers = Object.fromEntries(
    [...names, ...jobTerminalEvents].map((name) => [
      name,
      (data: unknown, event: MessageEvent) => received.push([name, data, event.lastEventId]),
    ]),
  );
  const stop = followEvents(source, names, {
    terminalEvents: jobTerminalEvents,
    handlers: () => handlers,
    onState: (state) => states.push(state),
  });
  return { received, states, stop };
}

test('decodeEventData parses JSON and keeps plain text', () => {
  assert.deepEqual(decodeEventData('{"current":1,"total":4}'), { current: 1, total: 4 });
  assert.equal(decodeEventData('hello'), 'hello');
});

test('progress events reach their handler decoded, with their event id', () => {
  const source = new ScriptedEventSource();
  const { received, states } = follow(source, ['progress']);
  source.dispatchEvent(new Event('open'));
  source.emit('progress', '{"current":1,"total":4,"message":"copying"}', '1');
  source.emit('progress', '{"current":2,"total":4,"message":"copying"}', '2');
  assert.deepEqual(received, [
    ['progress', { current: 1, total: 4, message: 'copying' }, '1'],
    ['progress', { current: 2, total: 4, message: 'copying' }, '2'],
  ]);
  assert.deepEqual(states, ['connecting', 'open']);
  assert.equal(source.closed, false);
});

test('a terminal event is delivered and closes the stream so the browser does not reconnect', () => {
  const source = new ScriptedEventSource();
  const { received, states } = follow(source, ['progress']);
  source.emit('failed', '{"error":"disk full"}', '7');
  source.emit('progress', '{"current":9,"total":9}', '8');
  assert.deepEqual(received, [['failed', { error: 'disk full' }, '7']]);
  assert.equal(source.closed, true);
  assert.equal(states.at(-1), 'closed');
});

test('a dropped connection is reported as reconnecting, a refused one as closed', () => {
  const source = new ScriptedEventSource();
  const { states } = follow(source, ['progress']);
  source.fail(0);
  assert.equal(states.at(-1), 'reconnecting');
  assert.equal(source.closed, false);
  source.fail(2);
  assert.equal(states.at(-1), 'closed');
  assert.equal(source.closed, true);
});

test('stopping closes the source and silences later events', () => {
  const source = new ScriptedEventSource();
  const { received, stop } = follow(source, ['progress']);
  stop();
  source.emit('progress', '{"current":1,"total":2}');
  assert.equal(source.closed, true);
  assert.deepEqual(received, []);
});

test('handlers are looked up when an event arrives', () => {
  const source = new ScriptedEventSource();
  let handlers: Record<string, (data: unknown) => void> = {};
  const seen: string[] = [];
  followEvents(source, ['progress'], { handlers: () => handlers });
  handlers = { progress: () => seen.push('new handler') };
  source.emit('progress', '{}');
  assert.deepEqual(seen, ['new handler']);
});
