// Paths of the ODH-TEC API as the portal reaches it: the kernel mounts the app under `/odh-tec` (spec 01-odh-tec "API").
import { apiUrl } from '@platform/web/api/base-path.ts';
import { encodeKey, encodePrefix } from './key-codec.ts';

/** The app's API root, relative to the portal base path. */
export const odhTecApi = 'odh-tec/api';

/** Query parameters naming the location (omitted = the server's default location). */
export const locationQuery = (locationId: string | undefined) => ({ location: locationId });

/** Listing path of a bucket at a prefix (empty prefix = `there_is_no_prefix`). */
export const objectsPath = (bucket: string, prefix: string): string =>
  `${odhTecApi}/objects/${encodeURIComponent(bucket)}/${encodePrefix(prefix)}`;

/** Path of one object (delete). */
export const objectPath = (bucket: string, key: string): string =>
  `${odhTecApi}/objects/${encodeURIComponent(bucket)}/${encodeKey(key)}`;

function withLocation(path: string, locationId: string | undefined): string {
  return locationId ? `${path}?location=${encodeURIComponent(locationId)}` : path;
}

/** Absolute URL (with the base path) that downloads an object as an attachment. */
export const downloadUrl = (locationId: string | undefined, bucket: string, key: string): string =>
  apiUrl(withLocation(`${odhTecApi}/objects/download/${encodeURIComponent(bucket)}/${encodeKey(key)}`, locationId));

/** Absolute URL of an object's preview (the first bytes, typed safely by the server). */
export const previewUrl = (locationId: string | undefined, bucket: string, key: string): string =>
  apiUrl(withLocation(`${odhTecApi}/objects/view/${encodeURIComponent(bucket)}/${encodeKey(key)}`, locationId));

/** Absolute URL of the single-file upload route; the key travels base64url in the query. */
export function uploadUrl(options: {
  locationId: string | undefined;
  bucket: string;
  key: string;
  size: number;
  jobId: string;
}): string {
  const query = new URLSearchParams({ key: encodeKey(options.key), size: String(options.size), jobId: options.jobId });
  if (options.locationId) query.set('location', options.locationId);
  return apiUrl(`${odhTecApi}/objects/upload/${encodeURIComponent(options.bucket)}?${query}`);
}

/** The SSE stream of a transfer (relative to the base path, as `useEventSource` wants it). */
export const transferEventsPath = (jobId: string): string =>
  `${odhTecApi}/transfers/${encodeURIComponent(jobId)}/events`;

/** A transfer's detail and cancel path. */
export const transferPath = (jobId: string): string => `${odhTecApi}/transfers/${encodeURIComponent(jobId)}`;
