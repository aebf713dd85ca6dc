import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, describeEachEngine, type TestPlatform, type TestUser } from '@platform/testing';
import { WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';
import { actions } from './orchestrator.tables.ts';

// spec 02-opmas "API": GET /api/v1/actions/export?format=csv|json (actions:read); the Actions page's CSV export.
const API = '/opmas/api/v1';

describeEachEngine('opmas actions export', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl(), env: WITHOUT_LISTENERS });
    viewer = await platform.createUser('opmas-export-viewer', ['viewer']);
    await platform.database.orm.insert(actions).values([
      {
        templateId: 'block_ip4',
        device: 'ap-1',
        mode: 'dry_run',
        status: 'dry_run',
        renderedCommand: "nft add element inet fw4 opmas_block4 '{ 1.2.3.4 timeout 60s }'",
        reason: 'said "block", then, left',
      },
      {
        templateId: 'uptime',
        device: '=cmd|calc',
        mode: 'execute',
        status: 'failed',
        exitCode: 1,
        reason: '@SUM(A1)\nsecond line',
      },
    ]);
  });
  after(async () => {
    await platform.close();
  });

  const exportAs = (query: string, user: TestUser | null = viewer) =>
    platform.app.inject({ method: 'GET', url: `${API}/actions/export${query}`, headers: user?.headers });

  test('CSV: attachment with a header row, RFC 4180 quoting and neutralised formulas', async () => {
    const response = await exportAs('?format=csv');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/csv/);
    assert.equal(response.headers['content-disposition'], 'attachment; filename="opmas-actions.csv"');
    const lines = response.body.split('\r\n');
    assert.equal(
      lines[0],
      'id,created_at,started_at,completed_at,status,mode,device,device_id,finding_id,execution_id,template_id,rendered_command,exit_code,error_code,reason',
    );
    assert.ok(
      lines[1].endsWith(
        `,block_ip4,nft add element inet fw4 opmas_block4 '{ 1.2.3.4 timeout 60s }',,,"said ""block"", then, left"`,
      ),
    );
    assert.match(response.body, /,'=cmd\|calc,/);
    assert.match(response.body, /,1,,"'@SUM\(A1\)\nsecond line"\r\n$/);
    assert.equal(lines.at(-1), '', 'the last record ends in CRLF');
  });

  test('JSON: the same actions as items; CSV is the default; a bad format is 400', async () => {
    const json = await exportAs('?format=json');
    assert.equal(json.headers['content-disposition'], 'attachment; filename="opmas-actions.json"');
    const items = json.json().items as { template_id: string; rendered_command: string | null; device: string }[];
    assert.deepEqual(
      items.map((item) => [item.template_id, item.device]),
      [
        ['block_ip4', 'ap-1'],
        ['uptime', '=cmd|calc'],
      ],
    );
    assert.match(String((await exportAs('')).headers['content-type']), /^text\/csv/);
    const bad = await exportAs('?format=xlsx');
    assert.deepEqual([bad.statusCode, bad.json().error.code], [400, 'validation_failed']);
    assert.equal((await exportAs('', null)).statusCode, 401);
  });
});
