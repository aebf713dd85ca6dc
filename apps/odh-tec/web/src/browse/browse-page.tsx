import { Drawer, DrawerContent, DrawerContentBody, Stack, StackItem } from '@patternfly/react-core';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { odhTecApi } from '../api/odh-tec-api.ts';
import type { LocationList } from '../api/odh-tec-types.ts';
import { browsePath, useBrowseAddress } from './browse-address.ts';
import { type BrowseDialog, BrowseToolbar } from './browse-toolbar.tsx';
import { CreateFolderModal } from './create-folder-modal.tsx';
import { DeleteObjectModal } from './delete-object-modal.tsx';
import { HfImportModal } from './hf-import-modal.tsx';
import { ObjectBreadcrumbs } from './object-breadcrumbs.tsx';
import { ObjectListingView } from './object-listing-view.tsx';
import { ObjectPreviewPanel } from './object-preview-panel.tsx';
import { UploadModal } from './upload-modal.tsx';
import { objectListingKey, useObjectListing } from './use-object-listing.ts';

/** Storage Browser: locations, buckets, folders and objects (spec 01-odh-tec "Web UI"). */
export function BrowsePage() {
  const locations = useApiQuery<LocationList>(`${odhTecApi}/locations`);
  const address = useBrowseAddress();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const listing = useObjectListing(address);
  const [filter, setFilter] = useState('');
  const [dialog, setDialog] = useState<BrowseDialog | null>(null);
  const [viewing, setViewing] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<string | null>(null);

  if (locations.isPending) return <LoadingState />;
  if (locations.error) return <ErrorState error={locations.error} onRetry={() => locations.refetch()} />;
  const { defaultLocationId } = locations.data;
  if (!address.locationId) {
    // The location's default bucket opens straight away; the address then names both.
    const fallback = locations.data.locations.find((location) => location.id === defaultLocationId);
    return (
      <Navigate
        to={browsePath({ locationId: defaultLocationId, bucket: fallback?.defaultBucket, prefix: '' })}
        replace
      />
    );
  }
  const refresh = () => queryClient.invalidateQueries({ queryKey: objectListingKey });
  const target = { locationId: address.locationId, bucket: address.bucket ?? '', prefix: address.prefix };
  const go = (next: Partial<typeof address>) => {
    setFilter('');
    setViewing(null);
    navigate(browsePath({ ...address, prefix: '', ...next }));
  };

  return (
    <PlatformPage title="Storage Browser" description="Browse, upload, download and import models into your buckets.">
      <Drawer isExpanded={viewing !== null} isInline>
        <DrawerContent
          panelContent={
            viewing && (
              <ObjectPreviewPanel
                locationId={address.locationId}
                bucket={target.bucket}
                objectKey={viewing}
                onClose={() => setViewing(null)}
              />
            )
          }
        >
          <DrawerContentBody>
            <Stack hasGutter>
              <StackItem>
                <BrowseToolbar
                  locations={locations.data.locations}
                  locationId={address.locationId}
                  bucket={address.bucket}
                  filter={filter}
                  onLocation={(locationId) => go({ locationId, bucket: undefined })}
                  onBucket={(bucket) => go({ bucket: bucket || undefined })}
                  onFilter={setFilter}
                  onOpen={setDialog}
                />
              </StackItem>
              <StackItem>
                <ObjectBreadcrumbs address={address} />
              </StackItem>
              <StackItem>
                <ObjectListingView
                  address={address}
                  listing={listing}
                  filter={filter}
                  onView={setViewing}
                  onDelete={setDeleting}
                />
              </StackItem>
            </Stack>
          </DrawerContentBody>
        </DrawerContent>
      </Drawer>
      {dialog === 'upload' && <UploadModal {...target} onClose={() => setDialog(null)} onStored={refresh} />}
      {dialog === 'hf-import' && <HfImportModal {...target} onClose={() => setDialog(null)} onStored={refresh} />}
      {dialog === 'folder' && (
        <CreateFolderModal
          {...target}
          onClose={() => setDialog(null)}
          onCreated={() => {
            setDialog(null);
            refresh();
          }}
        />
      )}
      {deleting && (
        <DeleteObjectModal
          {...target}
          objectKey={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            if (viewing === deleting) setViewing(null);
            refresh();
          }}
        />
      )}
    </PlatformPage>
  );
}
