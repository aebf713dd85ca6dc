import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { sharedData } from '@platform/testing/shared-data.ts';
import { readFixtureLines } from './fixture-lines.ts';
import { type DecodeResult, FrameDecoder, splitDatagram } from './framing.ts';

interface StreamOutcome {
  messages: string[];
  warnings: (string | undefined)[];
  empty: number;
  error?: string;
}

function collect(into: StreamOutcome, result: DecodeResult): void {
  for (const frame of result.frames) {
    into.messages.push(frame.bytes.toString('latin1'));
    into.warnings.push(frame.warning);
  }
  into.empty += result.empty;
  if (result.error && !into.error) into.error = result.error;
}

function decode(chunks: Buffer[], maxFrameBytes?: number): StreamOutcome {
  const decoder = new FrameDecoder({ maxFrameBytes });
  const outcome: StreamOutcome = { messages: [], warnings: [], empty: 0 };
  for (const chunk of chunks) collect(outcome, decoder.push(chunk));
  collect(outcome, decoder.end());
  return outcome;
}

/** The stream in one chunk, split once at every byte boundary, and cut into random chunks: all must agree. */
function assertEverySplit(stream: Buffer, expected: StreamOutcome): void {
  assert.deepEqual(decode([stream]), expected);
  for (let cut = 1; cut < stream.length; cut++) {
    assert.deepEqual(decode([stream.subarray(0, cut), stream.subarray(cut)]), expected, `split at ${cut}`);
  }
  for (let round = 0; round < 50; round++) {
    const chunks: Buffer[] = [];
    for (let at = 0; at < stream.length; ) {
      const size = 1 + Math.floor(Math.random() * 7);
      chunks.push(stream.subarray(at, at + size));
      at += size;
    }
    assert.deepEqual(decode(chunks), expected);
  }
}

const ok = (...messages: string[]): StreamOutcome => ({ messages, warnings: messages.map(() => undefined), empty: 0 });

test('tricky-inputs §8: LF, CRLF and NUL trailers at every split (acceptance 6)', () => {
  assertEverySplit(Buffer.from('A\nB\n'), ok('A', 'B'));
  assertEverySplit(Buffer.from('A\n'), ok('A'));
  assertEverySplit(Buffer.from('A\r\nB\r\n'), ok('A', 'B'));
  assertEverySplit(Buffer.from('A\0B\0'), ok('A', 'B'));
  assertEverySplit(Buffer.from('<30>Mar 19 20:14:18 OpenWrt netifd: x\0'), ok('<30>Mar 19 20:14:18 OpenWrt netifd: x'));
  assertEverySplit(Buffer.from('12 abc\n'), ok('12 abc'));
  assertEverySplit(Buffer.from('A\n\nB\n'), { ...ok('A', 'B'), empty: 1 });
});

test('tricky-inputs §8: octet-counted frame followed by an LF frame; truncated octet frame dropped (acceptance 6)', (t) => {
  const dir = sharedData(t, 'opmas');
  if (!dir) return;
  const octet = readFixtureLines(join(dir, 'rfc-examples.txt')).find((line) => line.startsWith('107 <'));
  assert.ok(octet);
  const message = octet.slice(4);
  assert.equal(Buffer.byteLength(message), 107);
  const lf = '<30>Mar 19 20:14:18 OpenWrt netifd: x';
  assertEverySplit(Buffer.from(`${octet}${lf}\n`), ok(message, lf));
  assertEverySplit(Buffer.from(`${octet}${octet}`), ok(message, message));

  const cut = decode([Buffer.from(octet).subarray(0, 50)]);
  assert.deepEqual(cut, { messages: [], warnings: [], empty: 0, error: 'truncated_frame' });
});

test('tricky-inputs §8: EOF mid frame delivers it with no_trailer', () => {
  assertEverySplit(Buffer.from('A'), { messages: ['A'], warnings: ['no_trailer'], empty: 0 });
  assertEverySplit(Buffer.from('A\nB'), { messages: ['A', 'B'], warnings: [undefined, 'no_trailer'], empty: 0 });
});

test('1 MiB without LF closes the connection after the max frame size with bounded buffering (acceptance 6)', () => {
  const decoder = new FrameDecoder();
  const chunk = Buffer.alloc(16_384, 0x61);
  let fed = 0;
  let result: DecodeResult = { frames: [], empty: 0 };
  let maxBuffered = 0;
  while (fed < 1_048_576 && !result.error) {
    result = decoder.push(chunk);
    fed += chunk.length;
    maxBuffered = Math.max(maxBuffered, decoder.bufferedBytes);
  }
  assert.equal(result.error, 'frame_too_large');
  assert.equal(fed, 65_536 + 16_384); // first chunk that crosses 65,536 buffered bytes
  assert.ok(maxBuffered <= 65_536);
  assert.equal(decoder.bufferedBytes, 0);
  assert.deepEqual(decoder.push(Buffer.from('late\n')).frames, []); // closed
  assert.equal(decode([Buffer.from('70000 <')]).error, 'frame_too_large');
});

test('UDP datagrams: one trailer removed, batches split only when every line starts with <', () => {
  const texts = (datagram: string) => splitDatagram(Buffer.from(datagram)).map((b) => b.toString());
  assert.deepEqual(texts('<30>a x\n'), ['<30>a x']);
  assert.deepEqual(texts('<30>a x\r\n'), ['<30>a x']);
  assert.deepEqual(texts('<30>a x\0'), ['<30>a x']);
  assert.deepEqual(texts('<30>a x \n\n'), ['<30>a x \n']);
  assert.deepEqual(texts('<30>a\n<31>b\r\n<32>c\n'), ['<30>a', '<31>b', '<32>c']);
  assert.deepEqual(texts('<30>a\ncontinued'), ['<30>a\ncontinued']);
  assert.deepEqual(texts(''), []);
  assert.deepEqual(texts('\n'), []);
  const big = Buffer.alloc(5000, 0x78);
  assert.equal(splitDatagram(big)[0].length, 5000);
});
