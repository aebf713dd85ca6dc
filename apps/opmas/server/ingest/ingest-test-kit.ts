/** Test helpers shared by the ingest and device tests: fixture lines, bus capture and polling. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { EventBus } from '@platform/kernel/bus/bus.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
import type { FastifyInstance } from 'fastify';
import { readFixtureLines } from './fixture-lines.ts';
import type { LogBatch, ParsedEvent } from './ingest-types.ts';
import { logreadToWire } from './wire-format.ts';

/** The fixture's 65 logread lines in wire format with the given HOSTNAME, or undefined when skipped. */
export function wireLines(t: TestContext, host: string): string[] | undefined {
  const dir = sharedData(t, 'opmas');
  if (!dir) return undefined;
  return readFixtureLines(join(dir, 'openwrt-logread.txt')).flatMap((line) => {
    const wire = logreadToWire(line, host);
    return wire === line ? [] : [wire];
  });
}

/** Everything published on `opmas.logs.>` and `opmas.devices.registered` from now on. */
export function captureBus(bus: EventBus) {
  const batches: { subject: string; batch: LogBatch }[] = [];
  const registered: { device: string; device_id: string; auto_registered: boolean }[] = [];
  const logs = bus.subscribe<LogBatch>('opmas.logs.>', (message) => {
    batches.push({ subject: message.subject, batch: message.data });
  });
  const devices = bus.subscribe<(typeof registered)[number]>('opmas.devices.registered', (message) => {
    registered.push(message.data);
  });
  return {
    batches,
    registered,
    eventsOf: (device: string): ParsedEvent[] =>
      batches.filter(({ batch }) => batch.device === device).flatMap(({ batch }) => batch.events),
    stop() {
      logs.unsubscribe();
      devices.unsubscribe();
    },
  };
}

/** Polls until the condition holds; fails with the description after the timeout. */
export async function waitFor(condition: () => boolean, description: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A throwaway self-signed certificate from the `openssl` CLI (spec acceptance 6); throws naming the package when
 * the tool is missing, because a TLS test that silently does not run proves nothing.
 */
export function selfSignedCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'opmas-tls-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
      ]),
      { stdio: 'ignore' },
    );
  } catch (error) {
    throw new Error(`the TLS test needs the openssl CLI (Debian/Ubuntu package "openssl"): ${error}`);
  }
  return { cert, key };
}

/** No syslog listeners: tests that ingest over HTTP need no ports. */
export const WITHOUT_LISTENERS = { OPMAS_SYSLOG_UDP_PORT: 'off', OPMAS_SYSLOG_TCP_PORT: 'off' } as const;

/** A fixed arrival time, so year inference and event times do not depend on the day a test runs. */
export const REFERENCE_TIME = '2025-06-01T00:00:00Z';

/** POSTs lines as one device over HTTP ingest (at REFERENCE_TIME) and expects 202; returns the answer. */
export async function postLines(
  target: { app: { inject: FastifyInstance['inject'] } },
  user: { headers: Record<string, string> },
  device: string,
  lines: string[],
): Promise<{ accepted: number; rejected: number; errors: { index: number; code: string }[] }> {
  const response = await target.app.inject({
    method: 'POST',
    url: `/opmas/api/v1/logs?reference_time=${REFERENCE_TIME}`,
    payload: { logs: lines, source_identifier: device },
    headers: user.headers,
  });
  assert.equal(response.statusCode, 202, response.body);
  return response.json();
}
