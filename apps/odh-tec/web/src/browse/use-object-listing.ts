import { apiFetch } from '@platform/web/api/api-fetch.ts';
import { useInfiniteQuery } from '@tanstack/react-query';
import { objectsPath } from '../api/odh-tec-api.ts';
import type { ObjectPage, StoredObject } from '../api/odh-tec-types.ts';
import type { BrowseAddress } from './browse-address.ts';

/** A row of the browser: a folder (common prefix) or an object. */
export type BrowseEntry = { kind: 'folder'; key: string } | ({ kind: 'object'; key: string } & StoredObject);

/** Query key root of every listing, so uploads and deletes can refresh them all. */
export const objectListingKey = ['odh-tec', 'objects'] as const;

/** The folder's entries, page by page ("Load more" follows `nextContinuationToken`). */
export function useObjectListing(address: BrowseAddress) {
  const { locationId, bucket, prefix } = address;
  const query = useInfiniteQuery({
    queryKey: [...objectListingKey, locationId, bucket, prefix],
    enabled: Boolean(bucket),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      apiFetch<ObjectPage>(objectsPath(bucket ?? '', prefix), {
        query: { location: locationId, continuationToken: pageParam },
        signal,
      }),
    getNextPageParam: (last) => last.nextContinuationToken ?? undefined,
  });
  const entries: BrowseEntry[] = (query.data?.pages ?? []).flatMap((page) => [
    ...page.prefixes.map((folder) => ({ kind: 'folder' as const, key: folder.Prefix })),
    ...page.objects.map((object) => ({ kind: 'object' as const, key: object.Key, ...object })),
  ]);
  return { ...query, entries };
}
