import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAnonymousRefused,
  buildTestApp,
  describeEachEngine,
  routesUnder,
  type TestPlatform,
  type TestUser,
} from '@platform/testing';
import { eq } from 'drizzle-orm';
import { opmasApp } from '../opmas.app.ts';
import { ingestRuntimeFor } from './ingest-runtime.ts';
import { postLines, WITHOUT_LISTENERS } from './ingest-test-kit.ts';
import { LogStatsRepository } from './log-stats.repository.ts';
import { type LogStatsRow, logStats } from './log-stats.tables.ts';
import { type CountedEvent, LogStatsAccumulator } from './log-stats.ts';

const STATS = '/opmas/api/v1/logs/stats';
/** daemon.info (severity 6, connectivity), user.err (severity 3, security), and a PRI out of range (parse error). */
const NETIFD = "<30>Jun  1 00:00:00 OpenWrt netifd: Interface 'wan' is now up";
const DROPBEAR = "<11>Jun  1 00:00:01 OpenWrt dropbear[12]: Bad password attempt for 'root' from 192.0.2.1:5555";
const BROKEN = '<999>Jun  1 00:00:02 OpenWrt something';

const DEVICE_ID = '00000000-0000-4000-8000-0000000000aa';
const event = (overrides: Partial<CountedEvent> = {}): CountedEvent => ({
  device_id: DEVICE_ID,
  received_at: Date.UTC(2025, 5, 1, 12, 30, 15),
  domain: 'security',
  severity: 3,
  ok: true,
  ...overrides,
});

/** A repository double that records what a flush writes, or fails while `failing` is set. */
function recordingRepository() {
  const written: LogStatsRow[][] = [];
  const double = {
    failing: false,
    written,
    async addCounts(rows: LogStatsRow[]) {
      if (double.failing) throw new Error('database down');
      written.push(rows.map((row) => ({ ...row })));
    },
  };
  return double;
}

describe('log stats accumulator', () => {
  test('keys by device, arrival minute, domain and severity; counts parse errors; flush clears what it wrote', async () => {
    const repository = recordingRepository();
    const stats = new LogStatsAccumulator(repository as unknown as LogStatsRepository);
    stats.count(event());
    stats.count(event({ received_at: Date.UTC(2025, 5, 1, 12, 30, 59), ok: false }));
    stats.count(event({ received_at: Date.UTC(2025, 5, 1, 12, 31, 0) }));
    stats.count(event({ severity: 4 }));
    stats.count(event({ domain: 'wifi' }));
    assert.equal(stats.pendingRows, 4);
    await stats.flush();
    assert.equal(stats.pendingRows, 0);
    const [rows] = repository.written;
    assert.ok(rows);
    const first = rows.find((row) => row.minute.getTime() === Date.UTC(2025, 5, 1, 12, 30) && row.severity === 3);
    assert.deepEqual(first, {
      deviceId: DEVICE_ID,
      minute: new Date(Date.UTC(2025, 5, 1, 12, 30)),
      domain: 'security',
      severity: 3,
      count: 2,
      parseErrors: 1,
    });
    await stats.flush();
    assert.equal(repository.written.length, 1, 'nothing pending: no statement');
  });

  test('a failed flush keeps its counts for the next one, merged with newer ones', async () => {
    const repository = recordingRepository();
    const stats = new LogStatsAccumulator(repository as unknown as LogStatsRepository);
    stats.count(event());
    repository.failing = true;
    await assert.rejects(stats.flush(), /database down/);
    stats.count(event());
    repository.failing = false;
    await stats.flush();
    assert.equal(repository.written[0]?.[0]?.count, 2);
  });
});

describeEachEngine('opmas log stats', ({ newDatabaseUrl }) => {
  let platform: TestPlatform;
  let admin: TestUser;
  let viewer: TestUser;

  before(async () => {
    platform = await buildTestApp({ apps: [opmasApp], databaseUrl: await newDatabaseUrl(), env: WITHOUT_LISTENERS });
    admin = await platform.createUser('opmas-stats-admin', ['admin']);
    viewer = await platform.createUser('opmas-stats-viewer', ['viewer']);
  });
  after(async () => {
    await platform.close();
  });

  const stats = async (query = '', user: TestUser = viewer) => {
    const response = await platform.app.inject({ method: 'GET', url: `${STATS}${query}`, headers: user.headers });
    return { status: response.statusCode, body: response.json() };
  };
  const flush = () => ingestRuntimeFor(platform.kernel).logStats.flush();

  test('flush upserts additively: two flushes of the same key add up', async () => {
    const repository = new LogStatsRepository(platform.kernel.db.orm);
    const accumulator = new LogStatsAccumulator(repository);
    const deviceId = '00000000-0000-4000-8000-0000000000ab';
    accumulator.count(event({ device_id: deviceId }));
    accumulator.count(event({ device_id: deviceId, ok: false }));
    await accumulator.flush();
    accumulator.count(event({ device_id: deviceId }));
    await accumulator.flush();
    const rows = await platform.kernel.db.orm.select().from(logStats).where(eq(logStats.deviceId, deviceId));
    assert.deepEqual(
      rows.map(({ count, parseErrors, severity, domain }) => ({ count, parseErrors, severity, domain })),
      [{ count: 3, parseErrors: 1, severity: 3, domain: 'security' }],
    );
  });

  test('posted lines appear per device, domain and severity after the flush', async () => {
    await postLines(platform, admin, 'stats-ap-1', [NETIFD, DROPBEAR, BROKEN]);
    await postLines(platform, admin, 'stats-ap-2', [NETIFD]);
    assert.equal((await stats()).body.total, 0, 'nothing before the flush (spec: flushed every 10 s)');
    await flush();

    const byDevice = await stats();
    assert.equal(byDevice.status, 200, JSON.stringify(byDevice.body));
    assert.equal(byDevice.body.group_by, 'device');
    assert.equal(byDevice.body.total, 4);
    assert.equal(byDevice.body.parse_errors, 1);
    const first = byDevice.body.sources[0];
    assert.equal(first.hostname, 'stats-ap-1');
    assert.equal(first.count, 3);
    assert.equal(first.parse_errors, 1);
    assert.equal(typeof first.source_ip, 'string');
    assert.equal(byDevice.body.sources[1].count, 1);
    const span = Date.parse(byDevice.body.end_time) - Date.parse(byDevice.body.start_time);
    assert.equal(span, 3_600_000, 'default range: the last hour');

    const byDomain = await stats('?group_by=domain');
    const domains = Object.fromEntries(
      byDomain.body.sources.map((row: { domain: string; count: number }) => [row.domain, row.count]),
    );
    assert.deepEqual(domains, { connectivity: 2, security: 1, generic: 1 });

    const bySeverity = await stats('?group_by=severity');
    assert.deepEqual(
      bySeverity.body.sources.map((row: { severity: number; severity_name: string; count: number }) => [
        row.severity,
        row.severity_name,
        row.count,
      ]),
      [
        [3, 'err', 1],
        [5, 'notice', 1],
        [6, 'info', 2],
      ],
    );

    await postLines(platform, admin, 'stats-ap-2', [NETIFD]);
    await flush();
    assert.equal((await stats()).body.sources[1].count, 2, 'the second flush adds to the stored minute');
  });

  test('ranges: explicit, empty, reversed, unparsable and longer than 31 days', async () => {
    const old = await stats('?start_time=2020-01-01T00:00:00Z&end_time=2020-01-01T01:00:00Z');
    assert.equal(old.status, 200);
    assert.equal(old.body.total, 0);
    assert.deepEqual(old.body.sources, []);
    assert.equal(old.body.start_time, '2020-01-01T00:00:00.000Z');
    const cases: [string, string][] = [
      ['?start_time=yesterday', 'validation_failed'],
      ['?end_time=2025-13-45T00:00:00Z', 'validation_failed'],
      ['?start_time=2025-02-01T00:00:00Z&end_time=2025-01-01T00:00:00Z', 'validation_failed'],
      ['?start_time=2025-01-01T00:00:00Z&end_time=2025-02-02T00:00:00Z', 'range_too_large'],
      ['?group_by=app', 'validation_failed'],
    ];
    for (const [query, code] of cases) {
      const response = await stats(query);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, code, query);
    }
    const month = await stats('?start_time=2025-01-01T00:00:00Z&end_time=2025-02-01T00:00:00Z');
    assert.equal(month.status, 200, '31 days exactly is allowed');
  });

  test('anonymous requests are refused', async () => {
    assert.equal(routesUnder(platform, STATS).length, 1);
    assert.deepEqual(await assertAnonymousRefused(platform, STATS), []);
  });
});
