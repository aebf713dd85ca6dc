/** Connectome loaders: bare CSV matrices (comma or whitespace separated, no header) and tvbo atlas label files. */
import { EngineError } from '../errors.ts';
import type { Connectome } from '../sim/connectivity.ts';
import { validateConnectome } from '../sim/connectivity.ts';
import { parseYaml } from './yaml.ts';

export function parseMatrix(text: string, what = 'matrix'): { n: number; values: Float64Array } {
  const rows = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(/[\s,;]+/).map(Number));
  const n = rows.length;
  if (n === 0 || rows.some((r) => r.length !== n))
    throw new EngineError('connectivity_invalid', `${what} must be square`);
  const values = Float64Array.from(rows.flat());
  if (values.some((v) => !Number.isFinite(v)))
    throw new EngineError('connectivity_invalid', `${what} has non-numeric entries`);
  return { n, values };
}

export function connectomeFromCsv(weightsCsv: string, lengthsCsv?: string): Connectome {
  const w = parseMatrix(weightsCsv, 'weights');
  const l = lengthsCsv ? parseMatrix(lengthsCsv, 'tract lengths') : { n: w.n, values: new Float64Array(w.n * w.n) };
  if (l.n !== w.n) throw new EngineError('connectivity_invalid', 'weights and tract lengths differ in size');
  const c = { n: w.n, weights: w.values, lengths: l.values };
  validateConnectome(c);
  return c;
}

/** Region names and centres from a tvbo atlas YAML, in `lookupLabel` order (= connectome row order). */
export function atlasRegions(yamlText: string): { labels: string[]; centres: Float64Array } {
  const doc = parseYaml(yamlText) as { terminology?: { entities?: Record<string, Record<string, unknown>> } };
  const entities = Object.values(doc.terminology?.entities ?? {}).sort(
    (a, b) => Number(a.lookupLabel) - Number(b.lookupLabel),
  );
  const labels = entities.map((e) => String(e.name));
  const centres = new Float64Array(entities.length * 3);
  entities.forEach((e, k) => {
    const c = (e.center ?? {}) as Record<string, number>;
    centres.set([Number(c.x), Number(c.y), Number(c.z)], 3 * k);
  });
  return { labels, centres };
}
