import { Button } from '@patternfly/react-core';
import { DownloadIcon, FolderIcon } from '@patternfly/react-icons';
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { formatTime } from '@platform/web/components/format.ts';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { downloadUrl } from '../api/odh-tec-api.ts';
import { formatBytes } from '../layout/format-bytes.ts';
import { type BrowseAddress, baseName, browsePath } from './browse-address.ts';
import type { BrowseEntry } from './use-object-listing.ts';

function FolderLink({ address, entry }: { address: BrowseAddress; entry: BrowseEntry }) {
  const link = useRouterLink(browsePath({ ...address, prefix: entry.key }));
  return (
    <Button variant="link" isInline icon={<FolderIcon />} component="a" href={link.href} onClick={link.onClick}>
      {baseName(entry.key)}
    </Button>
  );
}

/** Folders and objects of one listing, with View, Download and Delete per row. */
export function ObjectTable(props: {
  address: BrowseAddress;
  entries: BrowseEntry[];
  onView: (key: string) => void;
  onDelete: (key: string) => void;
}) {
  const { address } = props;
  const bucket = address.bucket ?? '';
  return (
    <Table aria-label="Objects" variant="compact">
      <Thead>
        <Tr>
          <Th>Name</Th>
          <Th>Size</Th>
          <Th>Modified</Th>
          <Th screenReaderText="Download" />
          <Th screenReaderText="Actions" />
        </Tr>
      </Thead>
      <Tbody>
        {props.entries.map((entry) => (
          <Tr key={entry.key}>
            <Td dataLabel="Name">
              {entry.kind === 'folder' ? <FolderLink address={address} entry={entry} /> : baseName(entry.key)}
            </Td>
            <Td dataLabel="Size">{entry.kind === 'object' ? formatBytes(entry.Size) : '—'}</Td>
            <Td dataLabel="Modified">{entry.kind === 'object' ? formatTime(entry.LastModified) : '—'}</Td>
            <Td dataLabel="Download">
              {entry.kind === 'object' && (
                <Button
                  variant="link"
                  isInline
                  icon={<DownloadIcon />}
                  component="a"
                  href={downloadUrl(address.locationId, bucket, entry.key)}
                  download={baseName(entry.key)}
                  aria-label={`Download ${baseName(entry.key)}`}
                >
                  Download
                </Button>
              )}
            </Td>
            <Td isActionCell>
              <ActionsColumn
                items={
                  entry.kind === 'folder'
                    ? [{ title: 'Delete folder', onClick: () => props.onDelete(entry.key), isDanger: true }]
                    : [
                        { title: 'View', onClick: () => props.onView(entry.key) },
                        { isSeparator: true },
                        { title: 'Delete', onClick: () => props.onDelete(entry.key), isDanger: true },
                      ]
                }
              />
            </Td>
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
}
