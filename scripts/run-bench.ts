// `npm run bench -- <name>` runs bench/<name>/run.ts; without a name it lists the benchmarks.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const available = readdirSync('bench').filter((name) => existsSync(join('bench', name, 'run.ts')));
const [name, ...rest] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ')}`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(process.execPath, [join('bench', name, 'run.ts'), ...rest], { stdio: 'inherit' });
process.exit(result.status ?? 1);
