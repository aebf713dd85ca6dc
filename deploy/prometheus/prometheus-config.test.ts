// The compose Prometheus scrapes every api and worker replica with METRICS_TOKEN and loads the platform alerts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { loadCompose } from '../compose-interpolation.ts';
import { kernelMetrics, promqlProblems } from './promql-checks.ts';

const directory = fileURLToPath(new URL('.', import.meta.url));
const config = parse(readFileSync(`${directory}prometheus.yml`, 'utf8'));
const compose = loadCompose(readFileSync(`${directory}../compose.yaml`, 'utf8'), { PLATFORM_SECRET_KEYS: 'k' });

test('scrapes /metrics of the compose services that run the server, with the bearer token file', () => {
  const job = config.scrape_configs.find((j: { job_name: string }) => j.job_name === 'platform');
  assert.ok(job, 'a platform scrape job');
  assert.equal(job.metrics_path, '/metrics');
  assert.equal(job.authorization.type, 'Bearer');
  // The compose entrypoint writes the token to exactly this file before starting Prometheus.
  assert.ok(compose.services.prometheus.command?.join(' ').includes(`> ${job.authorization.credentials_file}`));
  const [discovery] = job.dns_sd_configs;
  assert.equal(discovery.port, 8080);
  const servers = Object.entries(compose.services)
    .filter(([, service]) => service.command?.includes('packages/kernel/src/server.ts'))
    .map(([name]) => name)
    .sort();
  assert.deepEqual([...discovery.names].sort(), servers);
});

test('every rule file exists in the mounted directory and holds valid alerts on real metrics', () => {
  assert.ok(config.rule_files.length > 0);
  for (const path of config.rule_files as string[]) {
    assert.ok(path.startsWith('/etc/prometheus/'), 'rule files come from the mounted deploy/prometheus');
    const file = `${directory}${basename(path)}`;
    assert.ok(existsSync(file), `${file} exists`);
    const rules = parse(readFileSync(file, 'utf8'));
    for (const group of rules.groups) {
      assert.ok(group.name && group.rules.length > 0);
      for (const rule of group.rules) {
        assert.match(rule.alert, /^[A-Z][A-Za-z0-9]+$/);
        assert.ok(['critical', 'warning', 'info'].includes(rule.labels.severity), `${rule.alert} severity`);
        assert.match(rule.for, /^\d+[smh]$/);
        assert.ok(rule.annotations.summary, `${rule.alert} summary`);
        assert.deepEqual(promqlProblems(rule.expr), [], rule.alert);
      }
    }
  }
});

test('the PromQL checks catch unbalanced expressions and unknown metrics', () => {
  assert.deepEqual(promqlProblems('sum(rate(http_request_duration_seconds_count[5m]))'), []);
  assert.match(promqlProblems('sum(rate(http_request_duration_seconds_count[5m])').join(), /unbalanced/);
  assert.match(promqlProblems('rate(platform_jobs_queue_depth[5m])').join(), /rate\(\) of gauge/);
  assert.match(promqlProblems('platform_job_queue_depth > 1').join(), /unknown metric platform_job_queue_depth/);
  assert.deepEqual(promqlProblems('sum by (device) (rate(opmas_ingest_messages_total[5m]))'), [], 'app metrics');
  assert.deepEqual(promqlProblems('sum by (queue) (max_over_time(platform_jobs_queue_depth[1h]))'), []);
  assert.ok(kernelMetrics.includes('platform_bus_messages_total'));
});
