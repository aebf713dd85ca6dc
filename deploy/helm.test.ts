// Renders the Helm chart offline with its defaults and every example, then checks each manifest against the
// Kubernetes schemas (kubernetes-models) and the deployment contract of the platform spec ("Deployment").
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import {
  effectiveValues,
  loadChart,
  type Manifest,
  parseManifests,
  renderChart,
  renderNotes,
} from './render/chart-renderer.ts';
import { validateManifest } from './render/manifest-validation.ts';
import { loadValuesSchema } from './render/values-schema.ts';

const chartDirectory = fileURLToPath(new URL('./helm/platform', import.meta.url));
const examplesDirectory = fileURLToPath(new URL('./examples', import.meta.url));
const chart = loadChart(chartDirectory);
const checkValues = loadValuesSchema(chartDirectory);
const release = { name: 'demo', namespace: 'research' };

// What `helm install --set secrets.databaseUrl=… --set secrets.platformSecretKeys=…` adds to the defaults.
const requiredSecrets = {
  secrets: {
    databaseUrl: 'postgres://platform:s3cret@postgresql:5432/platform',
    platformSecretKeys: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=',
  },
};

type Container = {
  name: string;
  command: string[];
  env?: { name: string; value: string }[];
  envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name: string; containerPort: number; protocol: string }[];
  startupProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
  volumeMounts: { name: string; mountPath: string }[];
};
type PodTemplate = {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; securityContext: { runAsNonRoot: boolean }; volumes: Record<string, unknown>[] };
};
// biome-ignore lint/suspicious/noExplicitAny: manifests are checked field by field below
type AnyManifest = any;

function render(overrides: Record<string, unknown>[]): Manifest[] {
  const values = effectiveValues(chart, overrides);
  const check = checkValues(values);
  assert.ok(check.valid, `values rejected by values.schema.json: ${check.errors.join('; ')}`);
  const manifests = parseManifests(renderChart(chart, values, release));
  for (const manifest of manifests) validateManifest(manifest);
  checkConsistency(manifests, values);
  return manifests;
}

const find = (manifests: Manifest[], kind: string, name: string): AnyManifest => {
  const found = manifests.find((m) => m.object.kind === kind && m.object.metadata.name === name);
  assert.ok(
    found,
    `${kind} ${name} not rendered; got ${manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`)}`,
  );
  return found.object;
};
const kinds = (manifests: Manifest[]) => manifests.map((m) => `${m.object.kind}/${m.object.metadata.name}`).sort();
const pod = (deployment: AnyManifest): PodTemplate => deployment.spec.template;
const container = (deployment: AnyManifest): Container => pod(deployment).spec.containers[0];
const envValue = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

/** Cross-object invariants: selectors, references, probes and the hardened pod settings. */
function checkConsistency(manifests: Manifest[], values: Record<string, AnyManifest>): void {
  const deployments = manifests.filter((m) => m.object.kind === 'Deployment').map((m) => m.object as AnyManifest);
  const configMaps = manifests.filter((m) => m.object.kind === 'ConfigMap').map((m) => m.object.metadata.name);
  const secrets = manifests.filter((m) => m.object.kind === 'Secret').map((m) => m.object.metadata.name);
  const existingSecret = values.secrets.existingSecret;
  for (const deployment of deployments) {
    const template = pod(deployment);
    assert.ok(
      matches(deployment.spec.selector.matchLabels, template.metadata.labels),
      'selector must match pod labels',
    );
    assert.equal(template.spec.securityContext.runAsNonRoot, true);
    const c = container(deployment);
    assert.deepEqual(c.command, ['node', 'packages/kernel/src/server.ts']);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.ok(
      c.volumeMounts.some((m) => m.mountPath === '/tmp'),
      'read-only root needs a writable /tmp',
    );
    assert.ok(
      c.volumeMounts.some((m) => m.mountPath === values.config.dataDir),
      'DATA_DIR must be writable',
    );
    assert.deepEqual(c.startupProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
    for (const source of c.envFrom) {
      if (source.configMapRef)
        assert.ok(configMaps.includes(source.configMapRef.name), 'envFrom names a rendered ConfigMap');
      if (source.secretRef) {
        assert.ok(
          [...secrets, existingSecret].includes(source.secretRef.name),
          'envFrom names the chart or existing Secret',
        );
      }
    }
  }
  for (const manifest of manifests) {
    const object = manifest.object as AnyManifest;
    if (object.kind === 'Service') {
      const targets = deployments.filter((d) => matches(object.spec.selector, pod(d).metadata.labels));
      assert.equal(targets.length, 1, `Service ${object.metadata.name} selects exactly one deployment`);
      const portNames = container(targets[0]).ports?.map((p) => p.name) ?? [];
      for (const port of object.spec.ports)
        assert.ok(portNames.includes(port.targetPort), `target port ${port.targetPort}`);
    }
    if (object.kind === 'HorizontalPodAutoscaler') {
      const target = deployments.find((d) => d.metadata.name === object.spec.scaleTargetRef.name);
      assert.ok(target, 'HPA targets a rendered Deployment');
      assert.equal(target.spec.replicas, undefined, 'a deployment scaled by an HPA leaves replicas to it');
      assert.ok(object.spec.metrics.length > 0, 'HPA has at least one metric');
    }
    if (object.kind === 'PodDisruptionBudget') {
      const targets = deployments.filter((d) => matches(object.spec.selector.matchLabels, pod(d).metadata.labels));
      assert.equal(targets.length, 1, 'PDB selects exactly one deployment');
    }
  }
}

describe('values.schema.json', () => {
  test('accepts values.yaml and every example', () => {
    assert.deepEqual(checkValues(chart.values).errors, []);
    const examples = readdirSync(examplesDirectory).filter((file) => /^values-.*\.yaml$/.test(file));
    assert.ok(examples.length >= 2);
    for (const file of examples) {
      const example = parse(readFileSync(`${examplesDirectory}/${file}`, 'utf8'));
      // Like `helm install -f`, an example is validated merged over the chart defaults.
      assert.deepEqual(checkValues(effectiveValues(chart, [example])).errors, [], file);
    }
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown top-level key', { replicaCount: 3 }, /must NOT have additional properties/],
    ['a misspelt nested key', { api: { replica: 2 } }, /\/api must NOT have additional properties/],
    ['an unknown app id', { apps: ['opmas', 'grafana'] }, /\/apps\/1 must be equal to one of the allowed values/],
    [
      'standalone mode with two apps',
      { apps: ['opmas', 'vtoc'], mountAtRoot: true },
      /\/apps must NOT have more than 1 items/,
    ],
    ['standalone mode with all apps', { mountAtRoot: true }, /\/apps must NOT have fewer than 1 items/],
    ['OIDC without an issuer', { config: { authMode: 'oidc' } }, /\/config\/oidc\/issuer must NOT have fewer than 1/],
    ['proxy auth without trusted proxies', { config: { authMode: 'proxy' } }, /trustedProxies must NOT have fewer/],
    ['a worker without NATS', { config: { natsUrl: '' } }, /\/config\/natsUrl must NOT have fewer than 1 characters/],
    [
      'a non-PostgreSQL database URL',
      { secrets: { databaseUrl: 'mysql://db/x' } },
      /\/secrets\/databaseUrl must match/,
    ],
    ['a short metrics token', { secrets: { metricsToken: 'short' } }, /\/secrets\/metricsToken must match/],
    [
      'syslog without OPMAS',
      { apps: ['tvbo'], syslog: { enabled: true } },
      /\/apps must contain at least 1 valid item/,
    ],
    ['a privileged syslog container port', { syslog: { containerPort: 514 } }, /containerPort must be >= 1024/],
    ['a ServiceMonitor without a token', { metrics: { serviceMonitor: { enabled: true } } }, /metricsToken/],
    ['an ingress without hosts', { ingress: { enabled: true, hosts: [] } }, /\/ingress\/hosts must NOT have fewer/],
    ['autoscaling with no target', { api: { autoscaling: { targetCPUUtilizationPercentage: 0 } } }, /must be >= 1/],
    ['a wrong log level', { config: { logLevel: 'verbose' } }, /\/config\/logLevel must be equal to one of/],
    ['non-string extra env', { extraEnv: { OPMAS_STORE_LOGS: 3 } }, /\/extraEnv\/OPMAS_STORE_LOGS must be string/],
  ];
  for (const [name, override, error] of invalid) {
    test(`rejects ${name}`, () => {
      const check = checkValues(effectiveValues(chart, [override]));
      assert.equal(check.valid, false);
      assert.match(check.errors.join('\n'), error);
    });
  }
});

describe('rendering with the default values', () => {
  test('fails with a clear message until the database and keys are given', () => {
    assert.throws(
      () => renderChart(chart, chart.values, release),
      /secrets\.databaseUrl is required \(PostgreSQL 15\+\)/,
    );
    const withDatabase = effectiveValues(chart, [{ secrets: { databaseUrl: requiredSecrets.secrets.databaseUrl } }]);
    assert.throws(() => renderChart(chart, withDatabase, release), /secrets\.platformSecretKeys is required/);
  });

  const manifests = render([requiredSecrets]);

  test('renders api and worker deployments, services, HPA, PDB, migration hook and config objects', () => {
    assert.deepEqual(kinds(manifests), [
      'ConfigMap/demo-platform',
      'Deployment/demo-platform-api',
      'Deployment/demo-platform-worker',
      'HorizontalPodAutoscaler/demo-platform-api',
      'Job/demo-platform-migrate',
      'PodDisruptionBudget/demo-platform-api',
      'Secret/demo-platform',
      'Service/demo-platform',
      'Service/demo-platform-worker',
      'ServiceAccount/demo-platform',
    ]);
  });

  test('splits HTTP from background work with ROLE and hosts every app', () => {
    assert.equal(envValue(container(find(manifests, 'Deployment', 'demo-platform-api')), 'ROLE'), 'api');
    assert.equal(envValue(container(find(manifests, 'Deployment', 'demo-platform-worker')), 'ROLE'), 'worker');
    const config = find(manifests, 'ConfigMap', 'demo-platform').data;
    assert.equal(config.APPS, 'all');
    assert.equal(config.MOUNT_AT_ROOT, '0');
    assert.equal(config.HOST, '0.0.0.0');
    assert.equal(config.PORT, '8080');
    assert.equal(config.NATS_URL, 'nats://nats:4222');
    assert.equal(config.DATABASE_URL, undefined, 'secrets never land in the ConfigMap');
  });

  test('the Secret holds the given values and is created before the migration hook', () => {
    const secret = find(manifests, 'Secret', 'demo-platform');
    const decoded = Object.fromEntries(
      Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]),
    );
    assert.deepEqual(decoded, {
      DATABASE_URL: requiredSecrets.secrets.databaseUrl,
      PLATFORM_SECRET_KEYS: requiredSecrets.secrets.platformSecretKeys,
    });
    const job = find(manifests, 'Job', 'demo-platform-migrate');
    assert.equal(job.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.equal(secret.metadata.annotations['helm.sh/hook'], 'pre-install,pre-upgrade');
    assert.ok(
      Number(secret.metadata.annotations['helm.sh/hook-weight']) <
        Number(job.metadata.annotations['helm.sh/hook-weight']),
    );
    assert.match(job.metadata.annotations['helm.sh/hook-delete-policy'], /before-hook-creation/);
  });

  test('the migration job runs migrate.ts with the hosted apps and only hook-created inputs', () => {
    const job = find(manifests, 'Job', 'demo-platform-migrate');
    const migrate = job.spec.template.spec.containers[0] as Container;
    assert.deepEqual(migrate.command, ['node', 'packages/kernel/src/migrate.ts']);
    assert.equal(envValue(migrate, 'APPS'), 'all');
    assert.deepEqual(migrate.envFrom, [{ secretRef: { name: 'demo-platform' } }]);
    assert.equal(job.spec.template.spec.restartPolicy, 'Never');
    assert.equal(job.spec.template.spec.serviceAccountName, undefined, 'the chart ServiceAccount does not exist yet');
    assert.equal(migrate.securityContext.readOnlyRootFilesystem, true);
  });

  test('the api deployment is left to its HPA; the worker keeps its replica count', () => {
    assert.equal(find(manifests, 'Deployment', 'demo-platform-worker').spec.replicas, 1);
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'demo-platform-api');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 10]);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
  });
});

describe('rendering the examples', () => {
  const example = (file: string) => parse(readFileSync(`${examplesDirectory}/${file}`, 'utf8'));

  test('all apps: ingress with TLS, both HPAs and PDBs, ServiceMonitor, persistent DATA_DIR, existing Secret', () => {
    const manifests = render([example('values-all-apps.yaml')]);
    assert.ok(!manifests.some((m) => m.object.kind === 'Secret'), 'an existing Secret is referenced, not created');
    const ingress = find(manifests, 'Ingress', 'demo-platform');
    assert.equal(ingress.spec.ingressClassName, 'nginx');
    assert.deepEqual(ingress.spec.tls, [{ secretName: 'platform-tls', hosts: ['platform.example.org'] }]);
    assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend.service, {
      name: 'demo-platform',
      port: { number: 80 },
    });
    find(manifests, 'HorizontalPodAutoscaler', 'demo-platform-worker');
    assert.equal(find(manifests, 'PodDisruptionBudget', 'demo-platform-api').spec.minAvailable, 1);
    find(manifests, 'PodDisruptionBudget', 'demo-platform-worker');
    const monitor = find(manifests, 'ServiceMonitor', 'demo-platform');
    assert.deepEqual(monitor.spec.endpoints[0].bearerTokenSecret, { name: 'platform-secrets', key: 'METRICS_TOKEN' });
    assert.equal(monitor.metadata.labels.release, 'kube-prometheus-stack');
    const pvc = find(manifests, 'PersistentVolumeClaim', 'demo-platform-data');
    const volume = pod(find(manifests, 'Deployment', 'demo-platform-api')).spec.volumes.find((v) => v.name === 'data');
    assert.deepEqual(volume?.persistentVolumeClaim, { claimName: pvc.metadata.name });
    const config = find(manifests, 'ConfigMap', 'demo-platform').data;
    assert.equal(config.AUTH_MODE, 'oidc');
    assert.equal(config.OIDC_ISSUER, 'https://accounts.google.com');
    assert.equal(config.OIDC_CLIENT_SECRET, undefined);
    const job = find(manifests, 'Job', 'demo-platform-migrate');
    assert.deepEqual(job.spec.template.spec.containers[0].envFrom, [{ secretRef: { name: 'platform-secrets' } }]);
  });

  test('OPMAS standalone: one app at the root, syslog Service to the worker listeners', () => {
    const manifests = render([example('values-opmas-standalone.yaml')]);
    const config = find(manifests, 'ConfigMap', 'demo-platform').data;
    assert.equal(config.APPS, 'opmas');
    assert.equal(config.MOUNT_AT_ROOT, '1');
    assert.equal(config.OPMAS_SYSLOG_UDP_PORT, '5514');
    assert.equal(config.OPMAS_SYSLOG_TCP_PORT, '5514');
    assert.equal(config.OPMAS_STORE_LOGS, 'matched');
    const migrate = find(manifests, 'Job', 'demo-platform-migrate').spec.template.spec.containers[0];
    assert.equal(envValue(migrate, 'APPS'), 'opmas');
    const syslog = find(manifests, 'Service', 'demo-platform-syslog');
    assert.equal(syslog.spec.type, 'LoadBalancer');
    assert.equal(syslog.spec.externalTrafficPolicy, 'Local');
    assert.deepEqual(
      syslog.spec.ports.map((p: AnyManifest) => `${p.port}/${p.protocol}->${p.targetPort}`),
      ['514/UDP->syslog-udp', '514/TCP->syslog-tcp'],
    );
    assert.equal(syslog.spec.selector['app.kubernetes.io/component'], 'worker');
    const worker = find(manifests, 'Deployment', 'demo-platform-worker');
    assert.equal(worker.spec.replicas, 3);
    assert.deepEqual(
      container(worker).ports?.map((p) => `${p.name}:${p.containerPort}/${p.protocol}`),
      ['http:8080/TCP', 'syslog-udp:5514/UDP', 'syslog-tcp:5514/TCP'],
    );
    assert.deepEqual(
      container(find(manifests, 'Deployment', 'demo-platform-api')).ports?.map((p) => p.name),
      ['http'],
      'listeners run on the worker only',
    );
  });

  test('TVB-O: autoscaled simulation workers with the spec sizes', () => {
    const manifests = render([example('values-tvbo.yaml')]);
    assert.equal(find(manifests, 'ConfigMap', 'demo-platform').data.APPS, 'tvbo');
    const worker = find(manifests, 'Deployment', 'demo-platform-worker');
    assert.equal(worker.spec.replicas, undefined);
    assert.deepEqual(worker.spec.template.spec.containers[0].resources, {
      requests: { cpu: '1', memory: '2Gi' },
      limits: { cpu: '4', memory: '8Gi' },
    });
    const hpa = find(manifests, 'HorizontalPodAutoscaler', 'demo-platform-worker');
    assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 10]);
    assert.equal(find(manifests, 'Deployment', 'demo-platform-api').spec.replicas, 2);
    assert.ok(!manifests.some((m) => m.object.kind === 'Ingress'));
  });
});

describe('other value combinations', () => {
  test('without the worker the api runs every duty and hosts the syslog listeners', () => {
    const manifests = render([
      requiredSecrets,
      { worker: { enabled: false }, api: { autoscaling: { enabled: false }, replicas: 1 }, syslog: { enabled: true } },
    ]);
    assert.deepEqual(
      kinds(manifests).filter((k) => k.includes('worker')),
      [],
    );
    const api = find(manifests, 'Deployment', 'demo-platform-api');
    assert.equal(envValue(container(api), 'ROLE'), 'all');
    assert.equal(api.spec.replicas, 1);
    assert.equal(
      find(manifests, 'Service', 'demo-platform-syslog').spec.selector['app.kubernetes.io/component'],
      'api',
    );
  });

  test('one release per app: names follow the release, APPS the single app', () => {
    const values = effectiveValues(chart, [requiredSecrets, { apps: ['vtoc'] }]);
    const manifests = parseManifests(renderChart(chart, values, { name: 'vtoc', namespace: 'ops' }));
    assert.ok(manifests.some((m) => m.object.metadata.name === 'vtoc-platform-api'));
    assert.equal(find(manifests, 'ConfigMap', 'vtoc-platform').data.APPS, 'vtoc');
    const sameName = parseManifests(renderChart(chart, values, { name: 'platform', namespace: 'ops' }));
    assert.ok(
      sameName.some((m) => m.object.metadata.name === 'platform-api'),
      'no "platform-platform" prefix',
    );
  });

  test('a config change rolls the pods through the checksum annotation', () => {
    const checksum = (overrides: Record<string, unknown>[]) =>
      pod(find(render([requiredSecrets, ...overrides]), 'Deployment', 'demo-platform-api')).metadata.annotations?.[
        'checksum/config'
      ];
    assert.match(checksum([]) ?? '', /^[0-9a-f]{64}$/);
    assert.equal(checksum([]), checksum([]));
    assert.notEqual(checksum([]), checksum([{ config: { logLevel: 'debug' } }]));
  });

  test('the install notes tell where to open the release', () => {
    const portForward = renderNotes(chart, effectiveValues(chart, [requiredSecrets]), release);
    assert.match(portForward, /^demo-platform hosts: all\n/);
    assert.match(portForward, /kubectl -n research port-forward service\/demo-platform 8080:80/);
    const opmas = parse(readFileSync(`${examplesDirectory}/values-opmas-standalone.yaml`, 'utf8'));
    const notes = renderNotes(chart, effectiveValues(chart, [opmas]), release);
    assert.match(notes, /hosts: opmas \(mounted at \/\)/);
    assert.match(notes, /Open: https:\/\/opmas\.example\.org\//);
    assert.match(notes, /get service demo-platform-syslog \(port 514\)/);
  });

  test('kubernetes-models rejects a manifest the chart could get wrong', () => {
    const [deployment] = render([requiredSecrets]).filter((m) => m.object.kind === 'Deployment');
    const broken = structuredClone(deployment);
    (broken.object as AnyManifest).spec.template.spec.containers[0].ports[0].containerPort = '8080';
    assert.throws(() => validateManifest(broken), /containerPort must be integer/);
  });
});
