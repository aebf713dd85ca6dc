import { useParams } from 'react-router';

/** Where the browser stands: `/odh-tec/browse/:locationId?/:bucketName?/<prefix>` (spec "Web UI": Storage Browser). */
export interface BrowseAddress {
  locationId?: string;
  bucket?: string;
  /** Key prefix ending in `/`, or '' for the bucket's top. */
  prefix: string;
}

/** Reads the address from the route parameters. */
export function useBrowseAddress(): BrowseAddress {
  const params = useParams();
  const splat = params['*'] ?? '';
  return {
    locationId: params.locationId,
    bucket: params.bucketName,
    prefix: splat && !splat.endsWith('/') ? `${splat}/` : splat,
  };
}

/** The route path of an address; each key segment is URL-encoded on its own so `/` stays a separator. */
export function browsePath({ locationId, bucket, prefix }: BrowseAddress): string {
  const segments = ['/odh-tec/browse', locationId, bucket].filter(Boolean).map(String);
  let path = segments.map((segment, index) => (index === 0 ? segment : encodeURIComponent(segment))).join('/');
  if (bucket && prefix) path += `/${prefix.split('/').map(encodeURIComponent).join('/')}`;
  return path;
}

/** The last segment of a key or folder prefix (`a/b/c.txt` → `c.txt`, `a/b/` → `b`). */
export function baseName(key: string): string {
  const trimmed = key.endsWith('/') ? key.slice(0, -1) : key;
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
