import { badRequest, conflict } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { DeviceRow, NewDevice } from '../opmas.schema.ts';
import type { IngestConfig } from '../opmas-config.ts';
import { type DeviceChanges, DeviceRepository } from './device.repository.ts';
import { baseSlug, deviceIdentity, slugCandidate } from './device-identity.ts';

/** Outbox subject of auto- and manual registrations (spec 02-opmas "Architecture", "Devices"). */
export const DEVICE_REGISTERED_SUBJECT = 'opmas.devices.registered';

/** Why a message was not attributed to a device; counted under the same names as the spec's ingest results. */
export type DeviceRejection = 'rejected_device' | 'device_disabled';
export type Resolution = { device: DeviceRow } | { rejected: DeviceRejection };

const MAX_SLUG_ATTEMPTS = 100;

interface PendingTraffic {
  messages: number;
  lastSeen: number;
  sourceIp: string;
}

/**
 * Device identity, registration and the resolver cache used by ingest. Rows are cached by identity; edits made
 * through this service refresh the cache (other processes see edits when their cache entry is dropped on restart —
 * cross-process invalidation via `opmas.config.changed` is not built yet).
 */
export class DeviceService {
  readonly repository: DeviceRepository;
  readonly #kernel: Kernel;
  readonly #config: IngestConfig;
  readonly #byIdentity = new Map<string, DeviceRow>();
  readonly #inflight = new Map<string, Promise<Resolution>>();
  readonly #traffic = new Map<string, PendingTraffic>();
  #registrationWindow = { minute: 0, count: 0 };

  constructor(kernel: Kernel, config: IngestConfig) {
    this.#kernel = kernel;
    this.#config = config;
    this.repository = new DeviceRepository(kernel.db.orm);
  }

  /** The device a message belongs to, auto-registering it on its first message; never throws for a bad source. */
  resolve(hostname: string | null, sourceIp: string): Promise<Resolution> {
    const { identity, name } = deviceIdentity(hostname, sourceIp, this.#config.defaultHostnames);
    const cached = this.#byIdentity.get(identity);
    if (cached) return Promise.resolve(this.#admit(cached));
    let pending = this.#inflight.get(identity);
    if (!pending) {
      pending = this.#lookupOrRegister(identity, name, hostname, sourceIp).finally(() =>
        this.#inflight.delete(identity),
      );
      this.#inflight.set(identity, pending);
    }
    return pending;
  }

  /** Counts a message for the periodic flush of `last_seen`/`msg_count` (not written per message). */
  noteTraffic(device: DeviceRow, receivedAt: number, sourceIp: string): void {
    const entry = this.#traffic.get(device.id) ?? { messages: 0, lastSeen: 0, sourceIp };
    entry.messages++;
    entry.lastSeen = Math.max(entry.lastSeen, receivedAt);
    entry.sourceIp = sourceIp;
    this.#traffic.set(device.id, entry);
  }

  /** Writes the counted traffic (spec "Devices": every 10 s, and at shutdown). */
  async flushTraffic(): Promise<void> {
    const entries = [...this.#traffic.entries()];
    this.#traffic.clear();
    for (const [id, entry] of entries) {
      await this.repository.recordTraffic(id, entry.messages, new Date(entry.lastSeen), entry.sourceIp);
    }
  }

  /** Manual registration (`POST /api/v1/devices`): 409 `device_exists` when the hostname or address is known. */
  async create(values: Omit<NewDevice, 'slug' | 'identity'>): Promise<DeviceRow> {
    const name = values.hostname ?? values.ipAddress;
    if (!name) throw badRequest('hostname or ip_address is required', undefined, 'validation_failed');
    // Same identity rule as auto-registration, so a later message finds this row; a default name (`OpenWrt`) only
    // falls back to the address when one is given.
    const defaults = values.ipAddress ? this.#config.defaultHostnames : new Set<string>();
    const { identity } = deviceIdentity(values.hostname ?? null, values.ipAddress ?? '', defaults);
    if (await this.repository.findByIdentity(identity)) throw conflict('device already registered', 'device_exists');
    const row = await this.#insertWithFreeSlug({ ...values, identity }, baseSlug(name));
    if (!row) throw conflict('device already registered', 'device_exists');
    return row;
  }

  async update(id: string, changes: DeviceChanges): Promise<DeviceRow | undefined> {
    const row = await this.repository.update(id, changes);
    if (row) this.#byIdentity.set(row.identity, row);
    return row;
  }

  async delete(id: string): Promise<DeviceRow | undefined> {
    const row = await this.repository.delete(id);
    if (row) this.#byIdentity.delete(row.identity);
    return row;
  }

  #admit(device: DeviceRow): Resolution {
    return device.enabled ? { device } : { rejected: 'device_disabled' };
  }

  async #lookupOrRegister(
    identity: string,
    name: string,
    hostname: string | null,
    sourceIp: string,
  ): Promise<Resolution> {
    const known = await this.repository.findByIdentity(identity);
    if (known) {
      this.#byIdentity.set(identity, known);
      return this.#admit(known);
    }
    if (!this.#config.autoRegister || !this.#takeRegistrationSlot()) return { rejected: 'rejected_device' };
    if ((await this.repository.count()) >= this.#config.maxDevices) return { rejected: 'rejected_device' };
    const isHostIdentity = identity.startsWith('host:');
    const row = await this.#insertWithFreeSlug(
      {
        identity,
        hostname: isHostIdentity ? (hostname ?? name) : hostname,
        ipAddress: sourceIp,
        lastSourceIp: sourceIp,
        autoRegistered: true,
        acknowledged: false,
      },
      baseSlug(name),
    );
    // Another process registered the same identity first: use its row.
    const device = row ?? (await this.repository.findByIdentity(identity));
    if (!device) return { rejected: 'rejected_device' };
    this.#byIdentity.set(identity, device);
    return this.#admit(device);
  }

  /** `OPMAS_AUTO_REGISTER_PER_MIN`: a fixed one-minute window is enough to stop a flood of spoofed sources. */
  #takeRegistrationSlot(): boolean {
    const minute = Math.floor(Date.now() / 60_000);
    if (this.#registrationWindow.minute !== minute) this.#registrationWindow = { minute, count: 0 };
    if (this.#registrationWindow.count >= this.#config.autoRegisterPerMin) return false;
    this.#registrationWindow.count++;
    return true;
  }

  /** Inserts with the first free slug (`-2`, `-3`… on a clash) and the registration event in one transaction. */
  async #insertWithFreeSlug(values: Omit<NewDevice, 'slug'>, base: string): Promise<DeviceRow | undefined> {
    for (let attempt = 1; attempt <= MAX_SLUG_ATTEMPTS; attempt++) {
      const slug = slugCandidate(base, attempt);
      if (await this.repository.slugTaken(slug)) continue;
      const row = await this.#kernel.db.transaction(async (tx) => {
        const inserted = await new DeviceRepository(tx).insert({ ...values, slug });
        if (inserted) {
          await this.#kernel.outbox.write(tx, DEVICE_REGISTERED_SUBJECT, {
            device_id: inserted.id,
            device: inserted.slug,
            identity: inserted.identity,
            auto_registered: inserted.autoRegistered,
            source_ip: inserted.lastSourceIp,
          });
        }
        return inserted;
      });
      if (row) return row;
      // The conflict was on the identity (a concurrent registration), not the slug: stop here.
      if (await this.repository.findByIdentity(values.identity)) return undefined;
    }
    return undefined;
  }
}
