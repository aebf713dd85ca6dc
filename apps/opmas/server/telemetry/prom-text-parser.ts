/**
 * Prometheus text exposition format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/), as pushed
 * by `prometheus-node-exporter-lua` on OpenWrt. In-house because a push endpoint needs hard limits a scrape client
 * does not: every line is checked on its own (a bad line is counted, the rest still counts), and label counts, label
 * lengths and sample counts are capped so one body cannot grow the agent's memory without bound.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the line carried one. */
  timestampMs?: number;
}

export interface PromLineError {
  /** 1-based line number. */
  line: number;
  code: 'bad_syntax' | 'bad_value' | 'too_many_labels' | 'label_too_long' | 'duplicate_label' | 'too_many_samples';
}

export interface PromParseResult {
  samples: PromSample[];
  errors: PromLineError[];
}

export interface PromLimits {
  maxSamples: number;
  maxLabels: number;
  maxLabelValueChars: number;
}

export const DEFAULT_PROM_LIMITS: PromLimits = { maxSamples: 10_000, maxLabels: 32, maxLabelValueChars: 1024 };

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const FLOAT = /^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|Inf|inf)$/;
const TIMESTAMP = /^-?\d{1,16}$/;

class LineError extends Error {
  readonly code: PromLineError['code'];
  constructor(code: PromLineError['code']) {
    super(code);
    this.code = code;
  }
}

/** Parses a whole body; never throws. */
export function parsePromText(text: string, limits: PromLimits = DEFAULT_PROM_LIMITS): PromParseResult {
  const samples: PromSample[] = [];
  const errors: PromLineError[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (samples.length >= limits.maxSamples) {
      errors.push({ line: index + 1, code: 'too_many_samples' });
      continue;
    }
    try {
      samples.push(parseSampleLine(line, limits));
    } catch (error) {
      errors.push({ line: index + 1, code: error instanceof LineError ? error.code : 'bad_syntax' });
    }
  }
  return { samples, errors };
}

function parseSampleLine(line: string, limits: PromLimits): PromSample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) throw new LineError('bad_syntax');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const parsed = parseLabels(rest, limits);
    Object.assign(labels, parsed.labels);
    rest = rest.slice(parsed.consumed);
  }
  const fields = rest.trim().split(/\s+/);
  if (fields.length < 1 || fields.length > 2 || fields[0] === '') throw new LineError('bad_syntax');
  const value = parseValue(fields[0]);
  const sample: PromSample = { name, labels, value };
  if (fields[1] !== undefined) {
    if (!TIMESTAMP.test(fields[1])) throw new LineError('bad_value');
    sample.timestampMs = Number(fields[1]);
  }
  return sample;
}

function parseValue(text: string): number {
  if (text === 'NaN') return Number.NaN;
  if (!FLOAT.test(text)) throw new LineError('bad_value');
  if (/inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  return Number(text);
}

/** `{name="value",…}` with `\\`, `\"` and `\n` escapes; a trailing comma is allowed. */
function parseLabels(text: string, limits: PromLimits): { labels: Record<string, string>; consumed: number } {
  const labels: Record<string, string> = {};
  let position = 1;
  let count = 0;
  for (;;) {
    while (text[position] === ' ') position++;
    if (text[position] === '}') return { labels, consumed: position + 1 };
    const name = LABEL_NAME.exec(text.slice(position))?.[0];
    if (!name) throw new LineError('bad_syntax');
    position += name.length;
    while (text[position] === ' ') position++;
    if (text[position] !== '=' || text[position + 1] !== '"') throw new LineError('bad_syntax');
    position += 2;
    let value = '';
    for (;;) {
      const char = text[position];
      if (char === undefined) throw new LineError('bad_syntax');
      position++;
      if (char === '"') break;
      if (char === '\\') {
        const escaped = text[position++];
        if (escaped === 'n') value += '\n';
        else if (escaped === '\\' || escaped === '"') value += escaped;
        else throw new LineError('bad_syntax');
      } else value += char;
      if (value.length > limits.maxLabelValueChars) throw new LineError('label_too_long');
    }
    if (Object.hasOwn(labels, name)) throw new LineError('duplicate_label');
    if (++count > limits.maxLabels) throw new LineError('too_many_labels');
    labels[name] = value;
    while (text[position] === ' ') position++;
    if (text[position] === ',') position++;
    else if (text[position] !== '}') throw new LineError('bad_syntax');
  }
}
