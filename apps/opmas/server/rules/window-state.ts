/**
 * Per (rule, device, group key) window state and the bucket maths of spec 02 "Rule evaluation" (event time only, so
 * results do not depend on arrival speed). Plain JSON objects, so state can be checkpointed and restored.
 */

export interface EvidenceLine {
  ts: number;
  raw: string;
}

export interface Episode {
  event_id: string;
  first_seen: number;
  last_seen: number;
  event_count: number;
  fields: Record<string, string>;
  update_seq: number;
}

export interface KeyState {
  /** threshold: sorted event times. */
  times: number[];
  /** threshold with distinct: value → latest time; leaky with distinct: values in the bucket. */
  distinct: Record<string, number>;
  /** leaky: bucket level, last event time, events poured since the bucket was empty, and the first of them. */
  level: number;
  lastTs: number | null;
  poured: number;
  firstTs: number | null;
  /** metric: [time, value] samples. */
  samples: [number, number][];
  evidence: EvidenceLine[];
  firedAt: number | null;
  cooldownUntil: number | null;
  episode: Episode | null;
  fireSeq: number;
}

export function emptyKeyState(): KeyState {
  return {
    times: [],
    distinct: {},
    level: 0,
    lastTs: null,
    poured: 0,
    firstTs: null,
    samples: [],
    evidence: [],
    firedAt: null,
    cooldownUntil: null,
    episode: null,
    fireSeq: 0,
  };
}

/** What a bucket reports when it overflows: how many events it held and the first one's time. */
export interface Overflow {
  eventCount: number;
  firstSeen: number;
}

function insertSorted(times: number[], t: number): void {
  let i = times.length;
  while (i > 0 && times[i - 1] > t) i--;
  times.splice(i, 0, t);
}

/**
 * threshold: insert t; drop s < max(S) − window; fire when |S| ≥ count (distinct: unique values, latest time each);
 * then S := ∅. The window is inclusive: an event exactly `window` after the first still counts.
 */
export function pourThreshold(
  state: KeyState,
  t: number,
  count: number,
  windowMs: number,
  distinctValue?: string,
): Overflow | undefined {
  let size: number;
  let firstSeen: number;
  if (distinctValue === undefined) {
    insertSorted(state.times, t);
    const horizon = state.times[state.times.length - 1] - windowMs;
    while (state.times.length > 0 && state.times[0] < horizon) state.times.shift();
    size = state.times.length;
    firstSeen = state.times[0];
  } else {
    state.distinct[distinctValue] = Math.max(state.distinct[distinctValue] ?? t, t);
    const latest = Math.max(...Object.values(state.distinct));
    for (const [value, seen] of Object.entries(state.distinct))
      if (seen < latest - windowMs) delete state.distinct[value];
    const seenTimes = Object.values(state.distinct);
    size = seenTimes.length;
    firstSeen = Math.min(...seenTimes);
  }
  if (size < count) return undefined;
  state.times = [];
  state.distinct = {};
  return { eventCount: size, firstSeen };
}

/**
 * leaky (CrowdSec pkg/leakybucket model): L := max(0, L − (t − t_last)/leakspeed); an empty bucket forgets its
 * distinct values; a distinct value already in the bucket is ignored; else L += 1; overflow when L > capacity,
 * then L := 0 and the distinct set is cleared.
 */
export function pourLeaky(
  state: KeyState,
  t: number,
  capacity: number,
  leakMs: number,
  distinctValue?: string,
): Overflow | undefined {
  const elapsed = state.lastTs === null ? 0 : Math.max(0, t - state.lastTs);
  state.level = Math.max(0, state.level - elapsed / leakMs);
  state.lastTs = state.lastTs === null ? t : Math.max(state.lastTs, t);
  if (state.level === 0) {
    state.distinct = {};
    state.poured = 0;
    state.firstTs = null;
  }
  if (distinctValue !== undefined) {
    if (distinctValue in state.distinct) return undefined;
    state.distinct[distinctValue] = t;
  }
  state.level += 1;
  state.poured += 1;
  state.firstTs = state.firstTs === null ? t : Math.min(state.firstTs, t);
  if (state.level <= capacity) return undefined;
  const overflow = { eventCount: state.poured, firstSeen: state.firstTs };
  state.level = 0;
  state.distinct = {};
  state.poured = 0;
  state.firstTs = null;
  return overflow;
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

/** metric: samples in [t − window, t]; fire when ≥ min_samples and aggregate(samples) op value; then samples := ∅. */
export function pourMetric(
  state: KeyState,
  t: number,
  value: number,
  metric: { aggregate: 'avg' | 'min' | 'max'; windowMs: number; minSamples: number; op: string; value: number },
): Overflow | undefined {
  state.samples.push([t, value]);
  state.samples = state.samples.filter(([at]) => at >= t - metric.windowMs && at <= t);
  if (state.samples.length < metric.minSamples) return undefined;
  const values = state.samples.map(([, v]) => v);
  const aggregate =
    metric.aggregate === 'avg'
      ? values.reduce((sum, v) => sum + v, 0) / values.length
      : metric.aggregate === 'min'
        ? Math.min(...values)
        : Math.max(...values);
  if (!COMPARE[metric.op]?.(aggregate, metric.value)) return undefined;
  const overflow = { eventCount: state.samples.length, firstSeen: state.samples[0][0] };
  state.samples = [];
  return overflow;
}
