import { Bullseye, Button } from '@patternfly/react-core';
import { EmptyListState, ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import type { BrowseAddress } from './browse-address.ts';
import { baseName } from './browse-address.ts';
import { ObjectTable } from './object-table.tsx';
import type { useObjectListing } from './use-object-listing.ts';

/** The listing's states, the filtered table and "Load more". */
export function ObjectListingView(props: {
  address: BrowseAddress;
  listing: ReturnType<typeof useObjectListing>;
  filter: string;
  onView: (key: string) => void;
  onDelete: (key: string) => void;
}) {
  const { listing } = props;
  if (!props.address.bucket)
    return <EmptyListState title="Choose a bucket">Pick a bucket to browse its objects.</EmptyListState>;
  if (listing.isPending) return <LoadingState />;
  if (listing.error) return <ErrorState error={listing.error} onRetry={() => listing.refetch()} />;
  // The filter is client-side: it narrows the pages loaded so far (spec "Web UI": search box).
  const needle = props.filter.trim().toLowerCase();
  const entries = needle
    ? listing.entries.filter((entry) => baseName(entry.key).toLowerCase().includes(needle))
    : listing.entries;
  return (
    <>
      {entries.length === 0 ? (
        <EmptyListState title={needle ? 'No match' : 'This folder is empty'}>
          {needle ? 'No loaded name contains the filter text.' : 'Upload files or import a model to fill it.'}
        </EmptyListState>
      ) : (
        <ObjectTable address={props.address} entries={entries} onView={props.onView} onDelete={props.onDelete} />
      )}
      {listing.hasNextPage && (
        <Bullseye className="platform-state">
          <Button variant="secondary" onClick={() => listing.fetchNextPage()} isLoading={listing.isFetchingNextPage}>
            Load more
          </Button>
        </Bullseye>
      )}
    </>
  );
}
