/** Test helpers shared by the ingest and device tests: fixture lines, bus capture and polling. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { EventBus } from '@platform/kernel/bus/bus.ts';
import { sharedData } from '@platform/testing/shared-data.ts';
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
