// Every dashboard in deploy/grafana is importable Grafana JSON; the platform one covers the kernel metrics.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promqlProblems } from '../prometheus/promql-checks.ts';

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
}

const directory = fileURLToPath(new URL('.', import.meta.url));
const dashboards = readdirSync(directory)
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, dashboard: JSON.parse(readFileSync(`${directory}${file}`, 'utf8')) as Dashboard }));

describe('Grafana dashboards', () => {
  test('have unique uids and the top-level fields Grafana imports', () => {
    assert.ok(dashboards.some(({ file }) => file === 'platform.json'));
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    assert.equal(new Set(uids).size, uids.length, 'uids are unique');
    for (const { file, dashboard } of dashboards) {
      assert.match(dashboard.uid, /^[a-zA-Z0-9_-]{1,40}$/, file);
      assert.ok(dashboard.title, `${file} title`);
      assert.ok(Number.isInteger(dashboard.schemaVersion) && dashboard.schemaVersion >= 30, `${file} schemaVersion`);
      assert.ok(Array.isArray(dashboard.panels) && dashboard.panels.length > 0, `${file} panels`);
    }
  });

  for (const { file, dashboard } of dashboards) {
    test(`${file}: panels fit the grid, use the datasource variable and valid PromQL`, () => {
      const variables = new Set(dashboard.templating.list.map((variable) => variable.name));
      const ids = dashboard.panels.map((panel) => panel.id);
      assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
      for (const panel of dashboard.panels) {
        const { x, y, w, h } = panel.gridPos;
        assert.ok(x >= 0 && w > 0 && x + w <= 24 && y >= 0 && h > 0, `${panel.title} fits the 24-column grid`);
        if (panel.type === 'row') continue;
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax
        assert.equal(panel.datasource?.uid, '${datasource}', `${panel.title} follows the datasource picker`);
        assert.ok(panel.targets?.length, `${panel.title} has queries`);
        for (const target of panel.targets ?? []) {
          assert.deepEqual(promqlProblems(target.expr), [], `${panel.title}: ${target.expr}`);
          for (const [, name] of target.expr.matchAll(/\$(?:\{)?([a-zA-Z]\w*)/g)) {
            if (!name.startsWith('__')) assert.ok(variables.has(name), `${panel.title}: $${name} is defined`);
          }
        }
      }
      assert.ok(variables.has('datasource'));
    });
  }

  test('platform.json shows HTTP rate and latency by route, job queue depth and bus traffic', () => {
    const platform = dashboards.find(({ file }) => file === 'platform.json')?.dashboard as Dashboard;
    const queries = platform.panels.flatMap((panel) => panel.targets?.map((t) => t.expr) ?? []);
    const has = (pattern: RegExp) => queries.some((query) => pattern.test(query));
    assert.ok(has(/sum by \(route\) \(rate\(http_request_duration_seconds_count/), 'request rate by route');
    assert.ok(has(/histogram_quantile\(0\.95, sum by \(le, route\) \(rate\(http_request_duration_seconds_bucket/));
    assert.ok(has(/platform_jobs_queue_depth/), 'job queue depth');
    assert.ok(has(/rate\(platform_bus_messages_total/), 'bus publish/consume rate');
  });
});
