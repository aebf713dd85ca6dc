/** Device liveness thresholds of spec 02-opmas "Configuration" (`OPMAS_DEVICE_STALE_S`, `OPMAS_DEVICE_OFFLINE_S`). */

export interface DeviceThresholds {
  staleS: number;
  offlineS: number;
}

const seconds = (env: Record<string, string | undefined>, name: string, fallback: number): number => {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be an integer ≥ 1, got ${raw}`);
  return value;
};

/** Online ≤ stale_s < stale ≤ offline_s < offline (spec "Devices"); defaults 300 and 900. */
export function loadDeviceThresholds(env: Record<string, string | undefined>): DeviceThresholds {
  return { staleS: seconds(env, 'OPMAS_DEVICE_STALE_S', 300), offlineS: seconds(env, 'OPMAS_DEVICE_OFFLINE_S', 900) };
}
