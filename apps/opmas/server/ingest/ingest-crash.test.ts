/**
 * Issue acceptance: killing the process during ingest at 5k msg/s over TCP and restarting loses no accepted message
 * (at-least-once, counted). A message is accepted once its batch is in the ingest journal; the agents evaluate every
 * journaled batch, those after the checkpointed cursor again after a restart. The evidence is a counting rule (a
 * threshold over the distinct `seq` values that never fires): after the restart its checkpointed state must hold every
 * sequence number the journal holds. Real processes on a real PostgreSQL (PGlite lives inside one process).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildTestApp } from '@platform/testing';
import { freePort } from '@platform/testing/free-port.ts';
import { postgresForFile } from '@platform/testing/postgres-for-file.ts';
import { type FixtureProcess, spawnFixture } from '@platform/testing/spawn-fixture.ts';
import { and, eq } from 'drizzle-orm';
import { journalCursor } from '../agents/agent.tables.ts';
import { opmasApp } from '../opmas.app.ts';
import { ruleState } from '../rules/rule.tables.ts';
import type { KeyState } from '../rules/window-state.ts';
import { replay } from '../tools/replay-sender.ts';
import type { ReplayLine } from '../tools/replay-source.ts';
import { IngestJournal } from './ingest-journal.ts';

const postgres = postgresForFile();
const SERVER = fileURLToPath(new URL('../../../../packages/kernel/src/server.ts', import.meta.url));
const RULE_ID = 'test.accepted_count';
const DEVICE = 'ap-kill';
const TOTAL = 15_000;
const RATE = 5000;

const countingRule = {
  id: RULE_ID,
  domain: 'system',
  type: 'threshold',
  description: 'Counts the distinct sequence numbers of the kill test; never fires',
  match: { program: ['killtest'], patterns: [{ regex: '^seq=(?<seq>\\d+)$' }] },
  groupby: [],
  distinct: 'seq',
  threshold: { count: 1_000_000, window: '1d' },
  severity: 'info',
};

function* lines(): Generator<ReplayLine> {
  for (let seq = 1; seq <= TOTAL; seq++) {
    yield { text: `<30>Nov 23 12:00:00 ${DEVICE} killtest: seq=${seq}`, device: 0 };
  }
}

async function until<T>(probe: () => Promise<T | undefined>, description: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Starts `npm start`'s server with OPMAS alone and waits until HTTP and the syslog TCP listener answer. */
async function startServer(t: TestContext, env: Record<string, string>): Promise<FixtureProcess> {
  const server = spawnFixture(t, SERVER, { env, lifetimeMs: 180_000 });
  await until(async () => {
    if (server.child.exitCode !== null) throw new Error(`server exited:\n${server.stderr()}`);
    const ready = await fetch(`http://127.0.0.1:${env.PORT}/readyz`).catch(() => undefined);
    return ready?.ok && (await accepts(Number(env.OPMAS_SYSLOG_TCP_PORT))) ? true : undefined;
  }, 'the server to listen');
  return server;
}

describe('OPMAS ingest when the process is killed [postgres]', { skip: postgres.skip }, () => {
  test('SIGKILL during 5k msg/s over TCP, restart: every accepted message is evaluated', async (t) => {
    const databaseUrl = await postgres.newDatabaseUrl();
    // Migrates the database and stores the counting rule; runs no agents itself.
    const platform = await buildTestApp({ apps: [opmasApp], databaseUrl });
    t.after(() => platform.close());
    const admin = await platform.createUser('opmas-kill-admin', ['admin']);
    const created = await platform.app.inject({
      method: 'POST',
      url: '/opmas/api/v1/rules',
      headers: admin.headers,
      payload: countingRule,
    });
    assert.equal(created.statusCode, 201, created.body);

    const dataDir = mkdtempSync(join(tmpdir(), 'opmas-kill-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = {
      APPS: 'opmas',
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PLATFORM_SECRET_KEYS: platform.kernel.config.env.PLATFORM_SECRET_KEYS ?? assert.fail('secret keys'),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
      OPMAS_SYSLOG_HOST: '127.0.0.1',
      OPMAS_SYSLOG_UDP_PORT: 'off',
      OPMAS_SYSLOG_TCP_PORT: String(await freePort()),
      // One segment for the whole run, so the test can read every accepted batch afterwards.
      OPMAS_JOURNAL_SEGMENT_BYTES: String(256 << 20),
    };

    const first = await startServer(t, env);
    const sending = replay({
      target: `tcp://127.0.0.1:${env.OPMAS_SYSLOG_TCP_PORT}`,
      rate: RATE,
      lines: lines(),
      maxSeconds: 10,
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await first.kill();
    assert.equal((await first.exited).signal, 'SIGKILL');
    const summary = await sending;

    // What the dead process had accepted, and how much of it its last checkpoint covered.
    const journalDir = join(dataDir, 'opmas', 'journal');
    const atKill = IngestJournal.open(journalDir, { segmentBytes: 64 << 20, startAfter: 0 });
    const acceptedAtKill = atKill.lastSeq;
    atKill.close();
    const [cursor] = await platform.database.orm.select().from(journalCursor);
    const checkpointed = cursor?.seq ?? 0;
    t.diagnostic(
      `sent ${summary.sent} (${summary.errors} send errors), journaled batches ${acceptedAtKill}, checkpointed through ${checkpointed}`,
    );
    assert.ok(acceptedAtKill > 0, 'the process accepted messages before it died');
    assert.ok(checkpointed < acceptedAtKill, 'the kill left accepted batches the checkpoint did not cover');

    // Restart: the journal after the cursor is evaluated, then a graceful stop writes the final checkpoint.
    const second = await startServer(t, env);
    await until(async () => {
      const [row] = await platform.database.orm.select().from(journalCursor);
      return row && row.seq >= acceptedAtKill ? row : undefined;
    }, 'the restarted agents to checkpoint the replayed journal');
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0, second.stderr());

    const journal = IngestJournal.open(journalDir, { segmentBytes: 64 << 20, startAfter: 0 });
    const accepted = new Set<string>();
    for (const record of journal.read(0, journal.lastSeq)) {
      for (const event of record.batch.events) accepted.add(/seq=(\d+)$/.exec(event.msg)?.[1] ?? event.msg);
    }
    journal.close();
    const [row] = await platform.database.orm
      .select()
      .from(ruleState)
      .where(and(eq(ruleState.ruleId, RULE_ID), eq(ruleState.deviceSlug, DEVICE)));
    const evaluated = new Set(Object.keys((row?.state as KeyState | undefined)?.distinct ?? {}));
    const lost = [...accepted].filter((seq) => !evaluated.has(seq));
    t.diagnostic(`accepted ${accepted.size} messages, evaluated ${evaluated.size}, lost ${lost.length}`);
    assert.ok(accepted.size > 0 && accepted.size <= summary.sent);
    assert.deepEqual(lost, [], 'no accepted message is lost');
    assert.ok(evaluated.size >= accepted.size);
  });
});
