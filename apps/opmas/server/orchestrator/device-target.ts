/**
 * Where and how to reach a device over SSH (spec "SSH executor"): host, port and user from the device, the pinned
 * host key, and the credential decrypted only here, for the job that needs it.
 */

import type { MultiFernet } from '@platform/kernel/crypto/multi-fernet.ts';
import type { Orm } from '@platform/kernel/db/database.ts';
import { eq } from 'drizzle-orm';
import type { SshTarget } from '../executor/executor.ts';
import type { DeviceRow } from '../opmas.schema.ts';
import { deviceCredentials } from './orchestrator.tables.ts';

/** Stores (replaces) the device's credential, encrypted; the plaintext never reaches the database or a response. */
export async function saveCredential(
  orm: Orm,
  secrets: MultiFernet,
  deviceId: string,
  credential: { private_key?: string; password?: string },
  by: string | null,
): Promise<void> {
  const kind = credential.private_key ? 'private_key' : 'password';
  const secret = credential.private_key ?? credential.password;
  if (!secret) return;
  const values = { deviceId, kind, secretEnc: secrets.encrypt(secret), createdBy: by } as const;
  await orm
    .insert(deviceCredentials)
    .values(values)
    .onConflictDoUpdate({ target: deviceCredentials.deviceId, set: { ...values, createdAt: new Date() } });
}

/** Whether the device has a stored credential (shown as a flag; the secret is write-only). */
export async function hasCredential(orm: Orm, deviceId: string): Promise<boolean> {
  const [row] = await orm
    .select({ id: deviceCredentials.id })
    .from(deviceCredentials)
    .where(eq(deviceCredentials.deviceId, deviceId));
  return row !== undefined;
}

/** The SSH target of a device, with its decrypted credential when one is stored. */
export async function sshTargetOf(orm: Orm, secrets: MultiFernet, device: DeviceRow): Promise<SshTarget> {
  const [credential] = await orm.select().from(deviceCredentials).where(eq(deviceCredentials.deviceId, device.id));
  const secret = credential ? secrets.decrypt(credential.secretEnc).toString('utf8') : undefined;
  return {
    host: device.sshHost ?? device.ipAddress ?? device.lastSourceIp ?? device.hostname ?? '',
    port: device.sshPort,
    username: device.sshUsername,
    hostKeySha256: device.sshHostKeySha256 ?? undefined,
    privateKey: credential?.kind === 'private_key' ? secret : undefined,
    password: credential?.kind === 'password' ? secret : undefined,
  };
}
