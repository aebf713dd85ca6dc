import type { Orm } from '@platform/kernel/db/database.ts';
import { badRequest, conflict } from '@platform/kernel/http/errors.ts';
import type { ListenerStatus } from '../ingest/listener.ts';
import { LogStatsRepository } from '../ingest/log-stats.repository.ts';
import type { DeviceRow, DeviceStatus } from '../opmas.schema.ts';
import type { DeviceService } from './device.service.ts';
import { presentMinutes } from './device-operations.presenter.ts';
import { DeviceOperationsRepository } from './device-operations.repository.ts';
import type {
  DeviceMetricsView,
  DeviceStatusView,
  SetDeviceStatus,
  SyslogSetupQuery,
} from './device-operations.schema.ts';
import type { LogdTransport, SyslogTarget } from './syslog-setup.ts';

const MINUTE_MS = 60_000;
/** spec "API": `msgs_5m` and metrics over 24 h. */
const STATUS_WINDOW_MS = 5 * MINUTE_MS;
const METRICS_WINDOW_MS = 24 * 60 * MINUTE_MS;
/** Discovered devices listed per request. */
const DISCOVER_LIMIT = 500;
const WILDCARD_ADDRESSES = new Set(['', '0.0.0.0', '::', '::0']);
const HOST_PATTERN = /^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$/;

/** The status a device takes on `POST /status`: `active` leaves maintenance only (the status job judges the rest). */
export function nextStatus(current: DeviceStatus, requested: SetDeviceStatus['status']): DeviceStatus {
  if (requested === 'maintenance') return 'maintenance';
  return current === 'maintenance' ? 'online' : current;
}

/**
 * Where a router should send its logs: the query wins; else the bound listener of the transport (UDP preferred), its
 * address unless it is a wildcard, then the Host the user reached this API by. 409 `no_listener` without a port.
 */
export function syslogTarget(
  query: SyslogSetupQuery,
  listeners: ListenerStatus[],
  requestHost: string,
  device: DeviceRow,
): SyslogTarget {
  const bound = (transport: LogdTransport) =>
    listeners.find((listener) => listener.transport === transport && listener.bound && listener.port !== null);
  const transport = query.transport ?? (bound('udp') || !bound('tcp') ? 'udp' : 'tcp');
  const listener = bound(transport);
  const port = query.port ?? listener?.port;
  if (!port) {
    throw conflict(`no ${transport} syslog listener runs in this process; pass ?host= and ?port=`, 'no_listener');
  }
  const listenerHost = listener && !WILDCARD_ADDRESSES.has(listener.address) ? listener.address : undefined;
  const host = query.host ?? listenerHost ?? requestHost;
  if (!HOST_PATTERN.test(host)) throw badRequest('pass the address routers reach OPMAS by as ?host=');
  return { host, port, transport, logPrefix: device.logPrefix };
}

/** Device status, maintenance, metrics and discovery (spec 02-opmas "API" device sub-resources). */
export class DeviceOperationsService {
  readonly #devices: DeviceService;
  readonly #operations: DeviceOperationsRepository;
  readonly #stats: LogStatsRepository;

  constructor(orm: Orm, devices: DeviceService) {
    this.#devices = devices;
    this.#operations = new DeviceOperationsRepository(orm);
    this.#stats = new LogStatsRepository(orm);
  }

  /** `{status, last_seen, msgs_5m, open_findings}` of one device. */
  async status(device: DeviceRow, now = new Date()): Promise<DeviceStatusView> {
    const range = { from: new Date(now.getTime() - STATUS_WINDOW_MS), to: now };
    return {
      device_id: device.id,
      status: device.status,
      last_seen: device.lastSeen?.toISOString() ?? null,
      msgs_5m: await this.#stats.deviceTotal(device.id, range),
      open_findings: await this.#operations.openFindingCount(device.id),
    };
  }

  /** Enters or leaves maintenance (spec "Findings and orchestrator": device `maintenance` → observe). */
  async setStatus(device: DeviceRow, requested: SetDeviceStatus['status']): Promise<DeviceRow | undefined> {
    const status = nextStatus(device.status, requested);
    if (status === device.status) return device;
    return this.#devices.update(device.id, { status });
  }

  /** Per-minute counts of the last 24 h by severity. */
  async metrics(device: DeviceRow, now = new Date()): Promise<DeviceMetricsView> {
    const from = new Date(Math.floor((now.getTime() - METRICS_WINDOW_MS) / MINUTE_MS) * MINUTE_MS);
    const rows = await this.#stats.deviceMinutes(device.id, { from, to: now });
    return {
      device_id: device.id,
      start_time: from.toISOString(),
      end_time: now.toISOString(),
      minutes: presentMinutes(rows),
    };
  }

  /**
   * Acknowledges the given auto-registered devices, then lists those still unacknowledged (OPMAS never scans networks:
   * "discovered" means registered by its first message). Unknown or already acknowledged ids are skipped.
   */
  async discover(acknowledge: string[]): Promise<{ acknowledged: DeviceRow[]; discovered: DeviceRow[] }> {
    const acknowledged: DeviceRow[] = [];
    for (const id of new Set(acknowledge)) {
      const row = await this.#devices.repository.findById(id);
      if (!row || row.acknowledged) continue;
      const updated = await this.#devices.update(id, { acknowledged: true });
      if (updated) acknowledged.push(updated);
    }
    return { acknowledged, discovered: await this.#operations.unacknowledged(DISCOVER_LIMIT) };
  }
}
