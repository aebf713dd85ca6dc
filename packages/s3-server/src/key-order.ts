// S3 lists keys in UTF-8 binary order. JavaScript compares UTF-16 code units, which differs from code-point (and thus
// UTF-8 byte) order only where a surrogate pair meets a BMP character at U+E000 or above; this comparator fixes that.

/** Maps a UTF-16 code unit so that surrogates (astral code points) sort after every BMP character. */
function rank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return rank(x) - rank(y);
  }
  return a.length - b.length;
}

/** A map kept sorted by key in UTF-8 byte order, for ordered listing with binary-search seeks. */
export class SortedMap<V> {
  private readonly keys: string[] = [];
  private readonly values = new Map<string, V>();

  get size(): number {
    return this.keys.length;
  }

  get(key: string): V | undefined {
    return this.values.get(key);
  }

  set(key: string, value: V): void {
    if (!this.values.has(key)) this.keys.splice(this.lowerBound(key), 0, key);
    this.values.set(key, value);
  }

  delete(key: string): boolean {
    if (!this.values.delete(key)) return false;
    this.keys.splice(this.lowerBound(key), 1);
    return true;
  }

  /** Index of the first key that is not less than `key`. */
  lowerBound(key: string): number {
    let low = 0;
    let high = this.keys.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareUtf8(this.keys[middle], key) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Entries in key order from `start`; `exclusive` skips `start` itself. */
  *entriesFrom(start: string, exclusive: boolean): Generator<[string, V]> {
    let index = this.lowerBound(start);
    if (exclusive && this.keys[index] === start) index++;
    for (; index < this.keys.length; index++) {
      const key = this.keys[index];
      yield [key, this.values.get(key)!];
    }
  }
}
