import { Button } from '@patternfly/react-core';
import { Table, Tbody, Td, Th, Thead, Tr } from '@patternfly/react-table';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { CursorPager, useCursorPages } from '@platform/web/components/cursor-pager.tsx';
import { formatTime } from '@platform/web/components/format.ts';
import { EmptyListState, QueryList } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { devicesPath } from '../api/opmas-api.ts';
import type { DeviceView, Page } from '../api/opmas-types.ts';
import { DeviceStatusLabel } from './device-status-label.tsx';

function DeviceLink({ device }: { device: DeviceView }) {
  const link = useRouterLink(`/opmas/devices/${device.id}`);
  return (
    <Button variant="link" isInline component="a" href={link.href} onClick={link.onClick}>
      {device.slug}
    </Button>
  );
}

/** Every device that sent syslog or was registered (spec 02-opmas "Web UI": Devices). */
export function DevicesPage() {
  const pages = useCursorPages();
  const list = useApiQuery<Page<DeviceView>>(devicesPath, { cursor: pages.cursor }, { refetchInterval: 15_000 });
  return (
    <PlatformPage title="Devices" description="OpenWrt devices known by their syslog; open one to change its settings.">
      <QueryList
        query={list}
        empty={
          <EmptyListState title="No devices yet">Devices register themselves with their first message.</EmptyListState>
        }
      >
        {(items) => (
          <Table aria-label="Devices" variant="compact">
            <Thead>
              <Tr>
                <Th>Device</Th>
                <Th>Hostname</Th>
                <Th>Status</Th>
                <Th>Last seen</Th>
                <Th>Messages</Th>
                <Th>Time zone</Th>
              </Tr>
            </Thead>
            <Tbody>
              {items.map((device) => (
                <Tr key={device.id}>
                  <Td dataLabel="Device">
                    <DeviceLink device={device} />
                  </Td>
                  <Td dataLabel="Hostname">{device.hostname ?? device.last_source_ip ?? '—'}</Td>
                  <Td dataLabel="Status">
                    <DeviceStatusLabel status={device.status} />
                  </Td>
                  <Td dataLabel="Last seen">{formatTime(device.last_seen)}</Td>
                  <Td dataLabel="Messages">{device.msg_count}</Td>
                  <Td dataLabel="Time zone">{device.timezone ?? '—'}</Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </QueryList>
      <CursorPager
        page={pages.page}
        nextCursor={list.data?.next_cursor}
        onNext={pages.next}
        onPrevious={pages.previous}
      />
    </PlatformPage>
  );
}
