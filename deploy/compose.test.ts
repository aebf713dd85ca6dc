// Checks deploy/compose.yaml, deploy/env.example and deploy/Containerfile against the platform spec ("Deployment"):
// platform api + worker from one image, PostgreSQL 15, NATS JetStream, Prometheus, healthchecks and volumes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCompose, referencedVariables } from './compose-interpolation.ts';

const deployDirectory = fileURLToPath(new URL('.', import.meta.url));
const read = (file: string) => readFileSync(`${deployDirectory}${file}`, 'utf8');
const composeText = read('compose.yaml');
const environment = { PLATFORM_SECRET_KEYS: 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=' };

const compose = loadCompose(composeText, environment);
const { services } = compose;

describe('compose.yaml', () => {
  test('runs the platform with PostgreSQL 15, NATS and Prometheus', () => {
    assert.deepEqual(Object.keys(services).sort(), ['api', 'migrate', 'nats', 'postgres', 'prometheus', 'worker']);
    assert.match(services.postgres.image, /postgres:15(-|$)/);
    assert.ok(services.nats.command?.includes('--jetstream'), 'NATS runs with JetStream');
    assert.ok(services.nats.volumes?.some((v) => v.endsWith(':/data')) && services.nats.command?.includes('/data'));
    assert.match(services.prometheus.image, /prom\/prometheus:v\d/);
  });

  test('api and worker are one image split by ROLE, after the migrations ran', () => {
    for (const name of ['api', 'worker', 'migrate']) {
      assert.deepEqual(services[name].build, { context: '..', dockerfile: 'deploy/Containerfile' });
      assert.equal(services[name].image, 'localhost/platform:latest');
    }
    assert.deepEqual(services.migrate.command, ['node', 'packages/kernel/src/migrate.ts']);
    assert.equal(services.migrate.restart, 'no');
    assert.deepEqual(services.migrate.depends_on, { postgres: { condition: 'service_healthy' } });
    assert.equal(services.api.environment?.ROLE, 'api');
    assert.equal(services.worker.environment?.ROLE, 'worker');
    for (const name of ['api', 'worker']) {
      const service = services[name];
      assert.deepEqual(service.command, ['node', 'packages/kernel/src/server.ts']);
      assert.deepEqual(service.depends_on, {
        migrate: { condition: 'service_completed_successfully' },
        nats: { condition: 'service_healthy' },
      });
      assert.equal(new URL(service.environment?.DATABASE_URL ?? '').hostname, 'postgres');
      assert.equal(new URL(service.environment?.NATS_URL ?? '').hostname, 'nats');
      assert.equal(service.environment?.HOST, '0.0.0.0');
      assert.equal(service.read_only, true);
      assert.deepEqual(service.tmpfs, ['/tmp']);
      assert.ok(service.volumes?.includes('platform-data:/var/lib/platform'), 'api and worker share DATA_DIR');
    }
    assert.ok(services.api.ports?.includes('8080:8080'));
    assert.deepEqual(services.worker.ports, ['514:5514/udp', '514:5514/tcp']);
    assert.equal(services.worker.environment?.OPMAS_SYSLOG_UDP_PORT, '5514');
  });

  test('every long-running service has a healthcheck and every healthy-dependency one to wait for', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name !== 'migrate') assert.ok(service.healthcheck?.test?.length, `${name} has a healthcheck`);
      for (const [target, { condition }] of Object.entries(service.depends_on ?? {})) {
        assert.ok(services[target], `${name} depends on a defined service`);
        if (condition === 'service_healthy') assert.ok(services[target].healthcheck, `${target} can become healthy`);
      }
    }
    assert.match(services.api.healthcheck?.test.join(' ') ?? '', /\/readyz/);
    assert.match(services.postgres.healthcheck?.test.join(' ') ?? '', /pg_isready/);
    assert.match(services.nats.healthcheck?.test.join(' ') ?? '', /8222\/healthz\?js-enabled-only=true/);
  });

  test('named volumes are declared and the Prometheus config directory exists', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('.')) assert.ok(existsSync(`${deployDirectory}${source}`), `${name}: ${source} exists`);
        else assert.ok(source in compose.volumes, `${name}: volume ${source} is declared`);
      }
    }
    assert.ok(services.prometheus.volumes?.includes('./prometheus:/etc/prometheus:ro'));
  });

  test('Prometheus gets the same METRICS_TOKEN as the platform', () => {
    assert.equal(services.prometheus.environment?.METRICS_TOKEN, services.api.environment?.METRICS_TOKEN);
    assert.ok((services.api.environment?.METRICS_TOKEN ?? '').length >= 16, 'the kernel wants 16+ characters');
    const token = loadCompose(composeText, { ...environment, METRICS_TOKEN: 'token-from-env-0123456789' }).services.api
      .environment?.METRICS_TOKEN;
    assert.equal(token, 'token-from-env-0123456789');
  });

  test('refuses to start without PLATFORM_SECRET_KEYS, and env.example documents every variable', () => {
    assert.throws(() => loadCompose(composeText, {}), /PLATFORM_SECRET_KEYS/);
    const documented = [...read('env.example').matchAll(/^([A-Z_][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    const undocumented = referencedVariables(composeText).filter((name) => !documented.includes(name));
    assert.deepEqual(undocumented, []);
  });
});

describe('Containerfile', () => {
  const containerfile = read('Containerfile');
  const instructions = containerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.trim() && !line.trimStart().startsWith('#'));
  const of = (keyword: string) => instructions.filter((line) => line.startsWith(`${keyword} `));

  test('builds on node:24-slim with the full install and runs the TypeScript server as a non-root user', () => {
    assert.ok(of('FROM').length >= 1);
    for (const from of of('FROM')) assert.match(from, /^FROM (docker\.io\/library\/)?node:24-slim\b/);
    const install = of('RUN').find((line) => line.includes('npm ci'));
    assert.ok(install, 'npm ci runs');
    assert.doesNotMatch(install, /--omit=dev|--production/, 'the node devDependency is needed at run time');
    assert.deepEqual(of('CMD'), ['CMD ["node", "packages/kernel/src/server.ts"]']);
    const user = of('USER').at(-1) ?? '';
    assert.match(user, /^USER [1-9]\d*(:\d+)?$/, 'a numeric non-root user');
    assert.match(of('EXPOSE').join(' '), /\b8080\b/);
    assert.match(of('HEALTHCHECK').join(' '), /\/healthz/);
    assert.match(of('ENV').join(' '), /HOST=0\.0\.0\.0/);
  });

  test('the build context leaves out installed modules and local data', () => {
    const ignored = read('Containerfile.dockerignore').split('\n');
    for (const pattern of ['**/node_modules', '**/.data', '.git', '.env'])
      assert.ok(ignored.includes(pattern), pattern);
  });
});
