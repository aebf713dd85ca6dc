import { readFileSync } from 'node:fs';

/**
 * Data lines of a shared text fixture, as its README prescribes: lines that are empty or start with `#` are skipped,
 * every other line is kept byte for byte (never trimmed).
 */
export function readFixtureLines(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}
