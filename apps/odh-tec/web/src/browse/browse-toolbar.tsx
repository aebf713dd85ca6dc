import { Button, SearchInput, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem } from '@patternfly/react-core';
import { FolderIcon, UploadIcon } from '@patternfly/react-icons';
import type { LocationView } from '../api/odh-tec-types.ts';
import { BucketSelect } from './bucket-select.tsx';
import { LocationPicker } from './location-picker.tsx';

export type BrowseDialog = 'upload' | 'folder' | 'hf-import';

/** Location and bucket choice, the name filter, and the folder's actions. */
export function BrowseToolbar(props: {
  locations: LocationView[];
  locationId: string;
  bucket: string | undefined;
  filter: string;
  onLocation: (locationId: string) => void;
  onBucket: (bucket: string) => void;
  onFilter: (filter: string) => void;
  onOpen: (dialog: BrowseDialog) => void;
}) {
  const location = props.locations.find((candidate) => candidate.id === props.locationId);
  const writable = Boolean(props.bucket) && !location?.readOnly;
  return (
    <Toolbar>
      <ToolbarContent>
        <ToolbarGroup>
          <ToolbarItem>
            <LocationPicker locations={props.locations} value={props.locationId} onChange={props.onLocation} />
          </ToolbarItem>
          <ToolbarItem>
            <BucketSelect locationId={props.locationId} value={props.bucket} onChange={props.onBucket} />
          </ToolbarItem>
          <ToolbarItem>
            <SearchInput
              placeholder="Filter by name"
              aria-label="Filter by name"
              value={props.filter}
              onChange={(_event, value) => props.onFilter(value)}
              onClear={() => props.onFilter('')}
            />
          </ToolbarItem>
        </ToolbarGroup>
        <ToolbarGroup align={{ default: 'alignEnd' }}>
          <ToolbarItem>
            <Button icon={<UploadIcon />} isDisabled={!writable} onClick={() => props.onOpen('upload')}>
              Upload
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button
              variant="secondary"
              icon={<FolderIcon />}
              isDisabled={!writable}
              onClick={() => props.onOpen('folder')}
            >
              Create folder
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <Button variant="secondary" isDisabled={!writable} onClick={() => props.onOpen('hf-import')}>
              Import from Hugging Face
            </Button>
          </ToolbarItem>
        </ToolbarGroup>
      </ToolbarContent>
    </Toolbar>
  );
}
