/** Moving framed messages from the ingest worker to the main thread without copying what backs them. */
import type { RawMessage } from './ingest-types.ts';

/** A message whose bytes are `length` bytes at `offset` of the batch's packed buffer. */
export type PackedMessage = Omit<RawMessage, 'bytes'> & { offset: number; length: number };

/**
 * Copies the batch's bytes into one buffer that is then transferred. Posting the messages' own buffers would clone
 * what backs them — a pooled 8 KiB slab per UDP datagram, the whole 64 KiB chunk per TCP frame — which made the
 * main thread take up to a second to receive a batch at 2k msg/s.
 */
export function packMessages(messages: RawMessage[]): { messages: PackedMessage[]; packed: ArrayBuffer } {
  let total = 0;
  for (const message of messages)
    total += typeof message.bytes === 'string' ? Buffer.byteLength(message.bytes) : message.bytes.length;
  const packed = new ArrayBuffer(total);
  const target = new Uint8Array(packed);
  let offset = 0;
  const out = messages.map(({ bytes, ...rest }) => {
    const source = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
    target.set(source, offset);
    const entry = { ...rest, offset, length: source.length };
    offset += source.length;
    return entry;
  });
  return { messages: out, packed };
}

/** The messages of a received batch, their bytes as views of the packed buffer (no copy). */
export function unpackMessages(messages: PackedMessage[], packed: ArrayBuffer): RawMessage[] {
  return messages.map(({ offset, length, ...rest }) => ({ ...rest, bytes: Buffer.from(packed, offset, length) }));
}
