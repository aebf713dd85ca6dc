/**
 * Consumer-side duplicate filter by message id. The outbox relay publishes at least once (a crash between publish and
 * marking the row relayed republishes it); remembering the last N ids makes handling effectively-once for any
 * redelivery that lands within the window. Bounded so a long-running subscriber never grows without limit.
 */
export class Deduplicator {
  readonly capacity: number;
  // A Map iterates in insertion order, so deleting and re-inserting on a hit keeps the oldest entry first (LRU).
  readonly #seen = new Map<string, true>();

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('dedup window must be a positive integer');
    this.capacity = capacity;
  }

  get size(): number {
    return this.#seen.size;
  }

  /** Records the id and reports whether it had already been seen within the window. */
  isDuplicate(messageId: string): boolean {
    if (this.#seen.has(messageId)) {
      this.#seen.delete(messageId);
      this.#seen.set(messageId, true);
      return true;
    }
    this.#seen.set(messageId, true);
    if (this.#seen.size > this.capacity) {
      const oldest = this.#seen.keys().next().value as string;
      this.#seen.delete(oldest);
    }
    return false;
  }
}

/**
 * Holds the de-duplication windows of one bus: one per plain subscription (every subscriber must see each id once)
 * and one per queue group name (the group as a whole must see each id once, whichever member gets it).
 */
export class DedupWindows {
  readonly #capacity: number;
  readonly #queueWindows = new Map<string, { window: Deduplicator; members: number }>();

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Returns the window a new subscription should use and a release function for its unsubscribe. */
  acquire(queue: string | undefined): { window: Deduplicator; release: () => void } {
    if (queue === undefined) return { window: new Deduplicator(this.#capacity), release: () => {} };
    let entry = this.#queueWindows.get(queue);
    if (!entry) {
      entry = { window: new Deduplicator(this.#capacity), members: 0 };
      this.#queueWindows.set(queue, entry);
    }
    entry.members++;
    const held = entry;
    let released = false;
    return {
      window: held.window,
      release: () => {
        if (released) return;
        released = true;
        held.members--;
        if (held.members === 0 && this.#queueWindows.get(queue) === held) this.#queueWindows.delete(queue);
      },
    };
  }
}
