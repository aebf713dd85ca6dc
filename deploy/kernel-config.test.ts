// The environments the chart and compose hand to the platform process are accepted by the kernel's own config
// loader, and name only real core variables (or app-prefixed ones), so deployment and kernel cannot drift apart.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CoreEnvironment } from '@platform/kernel/config/config.schema.ts';
import { loadConfig } from '@platform/kernel/config/load-config.ts';
import { parse } from 'yaml';
import { loadCompose } from './compose-interpolation.ts';
import { effectiveValues, loadChart, type Manifest, parseManifests, renderChart } from './render/chart-renderer.ts';

const chart = loadChart(fileURLToPath(new URL('./helm/platform', import.meta.url)));
const examplesDirectory = fileURLToPath(new URL('./examples', import.meta.url));
const coreVariables = new Set(Object.keys(CoreEnvironment.properties));
const appPrefixed = /^(ODH_TEC|OPMAS|TVBO|VTOC|CMBCLUSTER)_[A-Z0-9_]+$/;
const fernetKey = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

// What an operator puts in an existing Secret (deploy/README.md lists these keys).
const existingSecretKeys = {
  DATABASE_URL: 'postgres://platform:pw@postgresql:5432/platform',
  PLATFORM_SECRET_KEYS: fernetKey,
  OIDC_CLIENT_SECRET: 'oidc-client-secret',
  METRICS_TOKEN: 'metrics-token-0123456789',
};

type Env = Record<string, string>;

/** The environment of each platform container, assembled the way the kubelet does from env and envFrom. */
function containerEnvironments(manifests: Manifest[]): { name: string; env: Env }[] {
  const byName = (kind: string, name: string) =>
    manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name)?.object as
      | { data?: Record<string, string> }
      | undefined;
  const result: { name: string; env: Env }[] = [];
  for (const manifest of manifests) {
    if (manifest.object.kind !== 'Deployment' && manifest.object.kind !== 'Job') continue;
    // biome-ignore lint/suspicious/noExplicitAny: walking a validated manifest
    const container = (manifest.object as any).spec.template.spec.containers[0];
    const env: Env = {};
    for (const source of container.envFrom ?? []) {
      if (source.configMapRef) Object.assign(env, byName('ConfigMap', source.configMapRef.name)?.data);
      if (source.secretRef) {
        const secret = byName('Secret', source.secretRef.name);
        const decoded = Object.entries(secret?.data ?? existingSecretKeys).map(([key, value]) => [
          key,
          secret ? Buffer.from(value, 'base64').toString('utf8') : value,
        ]);
        Object.assign(env, Object.fromEntries(decoded));
      }
    }
    for (const { name, value } of container.env ?? []) env[name] = value;
    result.push({ name: manifest.object.metadata.name, env });
  }
  return result;
}

function assertAcceptedByKernel(label: string, env: Env) {
  const unknown = Object.keys(env).filter((name) => !coreVariables.has(name) && !appPrefixed.test(name));
  assert.deepEqual(unknown, [], `${label}: variables the kernel does not know`);
  return loadConfig(env);
}

describe('chart environments', () => {
  const releases: [string, Record<string, unknown>[]][] = [
    ['defaults', [{ secrets: { databaseUrl: existingSecretKeys.DATABASE_URL, platformSecretKeys: fernetKey } }]],
    ...readdirSync(examplesDirectory)
      .filter((file) => file.endsWith('.yaml'))
      .map((file): [string, Record<string, unknown>[]] => [
        file,
        [parse(readFileSync(`${examplesDirectory}/${file}`, 'utf8'))],
      ]),
  ];
  for (const [label, overrides] of releases) {
    test(`${label}: every container's environment loads`, () => {
      const values = effectiveValues(chart, overrides);
      const manifests = parseManifests(renderChart(chart, values, { name: 'demo', namespace: 'default' }));
      const environments = containerEnvironments(manifests);
      assert.ok(environments.length >= 2);
      for (const { name, env } of environments) {
        const config = assertAcceptedByKernel(`${label} ${name}`, env);
        const apps = values.apps as string[];
        assert.deepEqual(config.apps, apps.length ? apps : 'all', `${name} hosts the chosen apps`);
        if (name.endsWith('-worker')) assert.equal(config.role, 'worker');
        if (name.endsWith('-api'))
          assert.equal(config.role, (values.worker as { enabled: boolean }).enabled ? 'api' : 'all');
        assert.equal(config.databaseUrl, existingSecretKeys.DATABASE_URL);
      }
    });
  }
});

describe('compose environments', () => {
  const compose = loadCompose(readFileSync(fileURLToPath(new URL('./compose.yaml', import.meta.url)), 'utf8'), {
    PLATFORM_SECRET_KEYS: fernetKey,
  });
  for (const name of ['migrate', 'api', 'worker']) {
    test(`${name}: the environment loads`, () => {
      const config = assertAcceptedByKernel(name, compose.services[name].environment ?? {});
      assert.equal(config.apps, 'all');
      assert.equal(config.natsUrl, 'nats://nats:4222');
      assert.deepEqual(config.secretKeys, [fernetKey]);
    });
  }
});
