/**
 * TVB connectivity zip (`weights.txt`, `tract_lengths.txt`, `centres.txt` with "label x y z" rows), read and
 * written with fflate. Files may sit in a sub-folder and may be gzip-compressed (`*.txt.gz`), as in TVB's datasets.
 */
import { gunzipSync, strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { EngineError } from '../errors.ts';
import type { Connectome } from '../sim/connectivity.ts';
import { validateConnectome } from '../sim/connectivity.ts';
import { parseMatrix } from './connectome-csv.ts';

const MAX_UNCOMPRESSED = 64 * 1024 * 1024;

export function readTvbZip(zip: Uint8Array): Connectome {
  let total = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        total += f.originalSize;
        if (total > MAX_UNCOMPRESSED)
          throw new EngineError('payload_too_large', 'zip is larger than 64 MiB uncompressed');
        return true;
      },
    });
  } catch (err) {
    if (err instanceof EngineError) throw err;
    throw new EngineError('connectome_zip_invalid', `not a zip archive: ${(err as Error).message}`);
  }
  const find = (stem: string): string | undefined => {
    const key = Object.keys(files).find((k) => {
      const base = k.split('/').pop() ?? '';
      return base === `${stem}.txt` || base === `${stem}.txt.gz`;
    });
    if (!key) return undefined;
    const bytes = key.endsWith('.gz') ? gunzipSync(files[key]) : files[key];
    return strFromU8(bytes);
  };
  const weightsText = find('weights');
  if (!weightsText) throw new EngineError('connectome_zip_invalid', 'zip has no weights.txt');
  const weights = parseMatrix(weightsText, 'weights');
  const lengthsText = find('tract_lengths');
  const lengths = lengthsText ? parseMatrix(lengthsText, 'tract lengths').values : new Float64Array(weights.n ** 2);
  const c: Connectome = { n: weights.n, weights: weights.values, lengths };
  const centresText = find('centres');
  if (centresText) {
    const rows = centresText
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => l.split(/\s+/));
    c.labels = rows.map((r) => r[0]);
    c.centres = Float64Array.from(rows.flatMap((r) => r.slice(1, 4).map(Number)));
  }
  validateConnectome(c);
  return c;
}

export function writeTvbZip(c: Connectome): Uint8Array {
  const matrix = (m: Float64Array): string => {
    const lines: string[] = [];
    for (let i = 0; i < c.n; i++) lines.push(Array.from(m.subarray(i * c.n, (i + 1) * c.n)).join(' '));
    return `${lines.join('\n')}\n`;
  };
  const files: Record<string, Uint8Array> = {
    'weights.txt': strToU8(matrix(c.weights)),
    'tract_lengths.txt': strToU8(matrix(c.lengths)),
  };
  if (c.centres) {
    const labels = c.labels ?? Array.from({ length: c.n }, (_, i) => `r${i}`);
    const rows = labels.map((l, i) => `${l} ${Array.from(c.centres!.subarray(3 * i, 3 * i + 3)).join(' ')}`);
    files['centres.txt'] = strToU8(`${rows.join('\n')}\n`);
  }
  return zipSync(files);
}
