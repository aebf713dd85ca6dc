import type { DeviceRow, NewDevice } from '../opmas.schema.ts';
import type { CreateDevice, DeviceView, UpdateDevice } from './device.schema.ts';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** Row → API shape (snake_case, as upstream's clients read it). */
export function presentDevice(row: DeviceRow): DeviceView {
  return {
    id: row.id,
    slug: row.slug,
    identity: row.identity,
    hostname: row.hostname,
    ip_address: row.ipAddress,
    last_source_ip: row.lastSourceIp,
    device_type: row.deviceType,
    model: row.model,
    firmware_version: row.firmwareVersion,
    timezone: row.timezone,
    tags: row.tags,
    log_prefix: row.logPrefix,
    format: row.format,
    max_mode: row.maxMode,
    bind_source_ip: row.bindSourceIp,
    status: row.status,
    enabled: row.enabled,
    acknowledged: row.acknowledged,
    auto_registered: row.autoRegistered,
    first_seen: iso(row.firstSeen),
    last_seen: iso(row.lastSeen),
    msg_count: row.msgCount,
    ssh: {
      host: row.sshHost,
      port: row.sshPort,
      username: row.sshUsername,
      host_key_sha256: row.sshHostKeySha256,
    },
    telemetry_url: row.telemetryUrl,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** API body → column values; only the fields present are returned, so PUT/PATCH change nothing else. */
export function deviceColumns(body: CreateDevice | UpdateDevice): Partial<NewDevice> {
  const columns: Partial<NewDevice> = {};
  if ('hostname' in body && body.hostname !== undefined) columns.hostname = body.hostname;
  if (body.ip_address !== undefined) columns.ipAddress = body.ip_address;
  if (body.timezone !== undefined) columns.timezone = body.timezone;
  if (body.tags !== undefined) columns.tags = body.tags;
  if (body.log_prefix !== undefined) columns.logPrefix = body.log_prefix;
  if (body.format !== undefined) columns.format = body.format as NewDevice['format'];
  if (body.max_mode !== undefined) columns.maxMode = body.max_mode as NewDevice['maxMode'];
  if (body.bind_source_ip !== undefined) columns.bindSourceIp = body.bind_source_ip;
  if (body.telemetry_url !== undefined) columns.telemetryUrl = body.telemetry_url;
  if ('enabled' in body && body.enabled !== undefined) columns.enabled = body.enabled;
  if ('acknowledged' in body && body.acknowledged !== undefined) columns.acknowledged = body.acknowledged;
  if (body.ssh?.host !== undefined) columns.sshHost = body.ssh.host;
  if (body.ssh?.port !== undefined) columns.sshPort = body.ssh.port;
  if (body.ssh?.username !== undefined) columns.sshUsername = body.ssh.username;
  if (body.ssh?.host_key_sha256 !== undefined) columns.sshHostKeySha256 = body.ssh.host_key_sha256;
  return columns;
}
