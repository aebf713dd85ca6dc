import { isIP } from 'node:net';

/**
 * Device identity (spec 02-opmas "Devices"): a hostname that names a device (not one of the default names such as
 * `OpenWrt`, and not an IP literal) → `host:<lower-case hostname>`, else the source address → `ip:<addr>`.
 */
export function deviceIdentity(
  hostname: string | null,
  sourceIp: string,
  defaultHostnames: ReadonlySet<string>,
): { identity: string; name: string } {
  const host = hostname?.trim().toLowerCase();
  if (host && !defaultHostnames.has(host) && isIP(host) === 0) return { identity: `host:${host}`, name: host };
  return { identity: `ip:${sourceIp}`, name: sourceIp };
}

/** Slug = lower(name) with `[^a-z0-9_-]` → `_`, at most 64 characters (spec "Data model" `devices.slug`). */
export function baseSlug(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 64);
  return slug || 'device';
}

/** The n-th candidate on a clash: `-2`, `-3`… appended, trimming the base so the slug stays ≤ 64 characters. */
export function slugCandidate(base: string, attempt: number): string {
  if (attempt <= 1) return base;
  const suffix = `-${attempt}`;
  return `${base.slice(0, 64 - suffix.length)}${suffix}`;
}
