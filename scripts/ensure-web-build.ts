// Builds the portal before `npm start` when packages/web/dist is missing or older than its sources.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const webDir = 'packages/web';
const built = join(webDir, 'dist', 'index.html');

function newestSource(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = [
  join(webDir, 'src'),
  join(webDir, 'index.html'),
  ...readdirSync('apps')
    .map((id) => join('apps', id, 'web'))
    .filter(existsSync),
];
const newest = Math.max(
  ...sources
    .filter(existsSync)
    .map((path) => (statSync(path).isDirectory() ? newestSource(path) : statSync(path).mtimeMs)),
);
if (!existsSync(built) || statSync(built).mtimeMs < newest) {
  console.log('building the portal (packages/web) ...');
  execFileSync(process.execPath, [resolve('node_modules', 'vite', 'bin', 'vite.js'), 'build'], {
    cwd: webDir,
    stdio: 'inherit',
  });
}
