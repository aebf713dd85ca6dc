import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '@platform/testing/shared-data.ts';
import { configReferenceTable } from './config-reference.ts';
import { ConfigError, loadConfig } from './load-config.ts';

test('defaults match the platform spec', () => {
  const config = loadConfig({});
  assert.equal(config.port, 8080);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.publicUrl, 'http://localhost:8080');
  assert.equal(config.apps, 'all');
  assert.equal(config.role, 'all');
  assert.equal(config.authMode, 'local');
  assert.equal(config.mountAtRoot, false);
  assert.equal(config.databaseUrl, undefined);
  assert.ok(config.dataDir.endsWith('.data'));
});

test('values are parsed and typed', () => {
  const config = loadConfig({
    PORT: '9000',
    APPS: 'opmas, vtoc',
    ROLE: 'worker',
    MOUNT_AT_ROOT: '0',
    CORS_ORIGINS: 'https://a.example,https://b.example',
    PUBLIC_URL: 'https://platform.example/',
  });
  assert.equal(config.port, 9000);
  assert.deepEqual(config.apps, ['opmas', 'vtoc']);
  assert.equal(config.role, 'worker');
  assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example']);
  assert.equal(config.publicUrl, 'https://platform.example');
});

test('bad values fail fast, naming every bad variable', () => {
  assert.throws(
    () => loadConfig({ PORT: 'eighty', ROLE: 'boss', DATABASE_URL: 'mysql://x' }),
    (error: Error) =>
      error instanceof ConfigError &&
      /PORT="eighty"/.test(error.message) &&
      /ROLE="boss": must be one of all\|api\|worker/.test(error.message) &&
      /DATABASE_URL/.test(error.message),
  );
});

test('inconsistent combinations are refused', () => {
  assert.throws(() => loadConfig({ AUTH_MODE: 'oidc' }), /OIDC_ISSUER/);
  assert.throws(() => loadConfig({ AUTH_MODE: 'proxy' }), /TRUSTED_PROXIES/);
  assert.throws(() => loadConfig({ MOUNT_AT_ROOT: '1' }), /exactly one app/);
  assert.equal(loadConfig({ MOUNT_AT_ROOT: '1', APPS: 'opmas' }).mountAtRoot, true);
});

test('the README configuration reference is the one generated from the schema', () => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = /<!-- config-reference:start -->\n([\s\S]*?)\n<!-- config-reference:end -->/.exec(readme);
  assert.ok(section, 'README lacks the configuration reference markers');
  // Compared cell by cell: the Markdown formatter may pad and align the columns.
  const cells = (table: string) =>
    table
      .trim()
      .split('\n')
      .map((row) => row.split('|').map((cell) => cell.trim().replace(/^-+$/, '---')));
  assert.deepEqual(
    cells(section[1]!),
    cells(configReferenceTable()),
    'README table is stale: run npm run config:reference and paste it',
  );
});
