/**
 * What every socket listener offers, so the ingest runtime can host listeners on the main thread today and inside the
 * `OPMAS_INGEST_WORKER` worker thread later without changing callers (spec 02-opmas "Architecture").
 */
import type { PortSetting } from '../opmas-config.ts';
import type { IngestCounters } from './ingest-counters.ts';
import type { MessageSink, Transport } from './ingest-types.ts';

export interface ListenerStatus {
  transport: Transport;
  address: string;
  port: number | null;
  bound: boolean;
  error?: string;
}

export interface SyslogListener {
  readonly transport: Transport;
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): ListenerStatus;
}

export interface ListenerDeps {
  sink: MessageSink;
  counters: IngestCounters;
}

/** `auto` = 514 when it can bind, else 5514 (spec "Configuration"); explicit numbers are tried as given. */
export const AUTO_PORTS = [514, 5514];

/** The ports to try in order for a setting other than `off`. */
export const portsToTry = (setting: Exclude<PortSetting, 'off'>): number[] =>
  setting === 'auto' ? AUTO_PORTS : [setting];

/** Bind errors after which `auto` tries the next port. */
export const retryableBindError = (error: unknown): boolean => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EADDRINUSE' || code === 'EPERM';
};

/** `::ffff:192.0.2.1` → `192.0.2.1`, so one device has one source address whatever the socket family. */
/**
 * Binds the first port of the setting that works (`auto`: 514, then 5514 when the first is taken or privileged);
 * resolves with the bound value, or with the last error when none could be bound.
 */
export async function bindFirstPort<T>(
  setting: Exclude<PortSetting, 'off'>,
  bind: (port: number) => Promise<T>,
): Promise<{ bound: T } | { error: string }> {
  let lastError: unknown;
  for (const port of portsToTry(setting)) {
    try {
      return { bound: await bind(port) };
    } catch (error) {
      lastError = error;
      if (!retryableBindError(error)) break;
    }
  }
  return { error: String((lastError as Error)?.message ?? lastError) };
}

export const normalizeSourceIp = (address: string | undefined): string =>
  address?.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : (address ?? 'unknown');
