import {
  Breadcrumb,
  BreadcrumbItem,
  Card,
  CardBody,
  CardTitle,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Grid,
  GridItem,
} from '@patternfly/react-core';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { formatTime } from '@platform/web/components/format.ts';
import { ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { useParams } from 'react-router';
import { devicePath } from '../api/opmas-api.ts';
import type { DeviceView } from '../api/opmas-types.ts';
import { DeviceSettingsForm } from './device-settings-form.tsx';
import { DeviceStatusLabel } from './device-status-label.tsx';

function Overview({ device }: { device: DeviceView }) {
  const rows: [string, string][] = [
    ['Hostname', device.hostname ?? '—'],
    ['IP address', device.ip_address ?? device.last_source_ip ?? '—'],
    ['Format', device.format],
    ['First seen', formatTime(device.first_seen)],
    ['Last seen', formatTime(device.last_seen)],
    ['Messages', String(device.msg_count)],
  ];
  return (
    <DescriptionList isCompact isHorizontal>
      <DescriptionListGroup>
        <DescriptionListTerm>Status</DescriptionListTerm>
        <DescriptionListDescription>
          <DeviceStatusLabel status={device.status} />
        </DescriptionListDescription>
      </DescriptionListGroup>
      {rows.map(([term, value]) => (
        <DescriptionListGroup key={term}>
          <DescriptionListTerm>{term}</DescriptionListTerm>
          <DescriptionListDescription>{value}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}

/** One device: overview and settings (spec 02-opmas "Web UI": device detail). */
export function DevicePage() {
  const { deviceId = '' } = useParams();
  const device = useApiQuery<DeviceView>(devicePath(deviceId));
  const back = useRouterLink('/opmas/devices');
  return (
    <PlatformPage
      title={device.data ? `Device ${device.data.slug}` : 'Device'}
      description="What OPMAS knows about the device, and how it reads its syslog."
    >
      <Breadcrumb className="platform-gap">
        <BreadcrumbItem to={back.href} onClick={back.onClick}>
          Devices
        </BreadcrumbItem>
        <BreadcrumbItem isActive>{device.data?.slug ?? deviceId}</BreadcrumbItem>
      </Breadcrumb>
      {device.isPending && <LoadingState />}
      {device.error && <ErrorState error={device.error} onRetry={() => device.refetch()} />}
      {device.data && (
        <Grid hasGutter>
          <GridItem md={6}>
            <Card isFullHeight>
              <CardTitle>Overview</CardTitle>
              <CardBody>
                <Overview device={device.data} />
              </CardBody>
            </Card>
          </GridItem>
          <GridItem md={6}>
            <Card isFullHeight>
              <CardTitle>Settings</CardTitle>
              <CardBody>
                <DeviceSettingsForm key={device.data.id} device={device.data} />
              </CardBody>
            </Card>
          </GridItem>
        </Grid>
      )}
    </PlatformPage>
  );
}
