// Runs every *.test.ts under packages/ and apps/ with node:test (or only the paths given as arguments).
// Test files run in parallel processes, two at a time, to fit a 2-core machine.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

const requested = process.argv.slice(2);
const files = requested.length
  ? requested
  : globSync(
      [
        'packages/**/*.test.ts',
        'apps/**/*.test.ts',
        'deploy/**/*.test.ts',
        'scripts/**/*.test.ts',
        'bench/**/*.test.ts',
      ],
      {
        exclude: (name) => name.includes('node_modules'),
      },
    ).sort();

if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
