import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';
import { assertAnonymousRefused } from '@platform/testing/route-matrix.ts';
import type { FindingView } from '../findings/finding.schema.ts';
import { postLines, WITHOUT_LISTENERS } from '../ingest/ingest-test-kit.ts';
import { opmasApp } from '../opmas.app.ts';

const API = '/opmas/api/v1';
const T0 = Date.parse('2025-06-01T10:00:00Z');
const REGISTER_LINE = '<30>Jun  1 09:59:00 OpenWrt hostapd: wlan0: STA 74:38:b7:12:34:56 IEEE 802.11: associated';

/** Five signal samples of one station, 60 s apart (inside the rule's 300 s window). */
const signalBody = (mac: string, dbm: number) =>
  [
    '# TYPE wifi_station_signal_dbm gauge',
    ...[0, 1, 2, 3, 4].map(
      (minute) => `wifi_station_signal_dbm{ifname="wlan0",mac="${mac}"} ${dbm} ${T0 + minute * 60_000}`,
    ),
    'node_unlisted_series 1',
    'broken line here',
  ].join('\n');

// spec 02-opmas acceptance 13 (telemetry clause) through the API: 5 pushed samples of −80 dBm in 300 s raise
// `wifi.low_signal` for that station; −70 dBm raises nothing.
describe('opmas telemetry push', () => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;
  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], startBackground: true, env: { ...WITHOUT_LISTENERS } });
    admin = await platform.createUser('opmas-telemetry-admin', ['admin']);
    viewer = await platform.createUser('opmas-telemetry-viewer', ['viewer']);
    await postLines(platform, admin, 'ap-tele', [REGISTER_LINE]);
  });
  after(() => platform.close());

  const push = (body: string, user: TestUser | undefined, device = 'ap-tele') =>
    platform.app.inject({
      method: 'POST',
      url: `${API}/telemetry?device=${device}`,
      payload: body,
      headers: { ...(user?.headers ?? {}), 'content-type': 'text/plain; version=0.0.4' },
    });

  const findings = async (): Promise<FindingView[]> => {
    const response = await platform.app.inject({ url: `${API}/findings?rule=wifi.low_signal`, headers: admin.headers });
    return (response.json() as { items: FindingView[] }).items;
  };

  test('weak signal → wifi.low_signal for the station; good signal → nothing; counts per line', async () => {
    const good = await push(signalBody('aa:bb:cc:00:00:01', -70), admin);
    assert.equal(good.statusCode, 202, good.body);
    assert.deepEqual(good.json(), { accepted: 5, rejected: 2, errors: [{ line: 8, code: 'bad_value' }] });
    const weak = await push(signalBody('74:38:b7:12:34:56', -80), admin);
    assert.equal(weak.statusCode, 202, weak.body);
    assert.equal(weak.json().accepted, 5);

    let found: FindingView[] = [];
    const deadline = Date.now() + 5000;
    while (found.length === 0 && Date.now() < deadline) {
      found = await findings();
      if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.deepEqual(
      found.map((finding) => [finding.rule_id, finding.device, finding.group_key, finding.event_count]),
      [['wifi.low_signal', 'ap-tele', 'mac=74:38:b7:12:34:56', 5]],
    );
  });

  test('unknown device → 404; bad device slug → 400; over 1 MiB → 413', async () => {
    const unknown = await push('wifi_stations 1', admin, 'no-such-device');
    assert.deepEqual([unknown.statusCode, unknown.json().error.code], [404, 'not_found']);
    const badSlug = await push('wifi_stations 1', admin, 'Bad%20Slug');
    assert.equal(badSlug.statusCode, 400);
    const huge = await push(`wifi_stations 1\n${'#'.repeat(1024 * 1024)}`, admin);
    assert.equal(huge.statusCode, 413);
    assert.ok(huge.json().error.code);
  });

  test('only holders of telemetry:push may push; anonymous is refused', async () => {
    const refused = await push('wifi_stations 1', viewer);
    assert.deepEqual([refused.statusCode, refused.json().error.code], [403, 'forbidden']);
    assert.deepEqual(await assertAnonymousRefused(platform, `${API}/telemetry`), []);
  });
});
