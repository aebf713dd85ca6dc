/**
 * A FIFO of byte buffers that hands out exact-size pieces, so stream chunk boundaries never have to match
 * cipher chunk boundaries. Pieces are zero-copy views when they fall inside one buffer.
 */
export class ByteQueue {
  #buffers: Buffer[] = [];
  #length = 0;

  get length(): number {
    return this.#length;
  }

  push(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#buffers.push(bytes);
    this.#length += bytes.length;
  }

  /**
   * Removes and returns the first `count` bytes; the caller checks `length` first. When they span several
   * buffers they are copied into `scratch` (if big enough) instead of a new allocation, so the result is
   * only valid until the next call: callers that use it synchronously avoid one allocation per chunk.
   */
  take(count: number, scratch?: Buffer): Buffer {
    if (count > this.#length) throw new RangeError(`cannot take ${count} of ${this.#length} queued bytes`);
    this.#length -= count;
    const first = this.#buffers[0];
    if (first !== undefined && first.length >= count) {
      if (first.length === count) this.#buffers.shift();
      else this.#buffers[0] = first.subarray(count);
      return first.subarray(0, count);
    }
    const piece = scratch && scratch.length >= count ? scratch.subarray(0, count) : Buffer.allocUnsafe(count);
    let offset = 0;
    while (offset < count) {
      const head = this.#buffers[0];
      const used = Math.min(head.length, count - offset);
      head.copy(piece, offset, 0, used);
      offset += used;
      if (used === head.length) this.#buffers.shift();
      else this.#buffers[0] = head.subarray(used);
    }
    return piece;
  }
}
