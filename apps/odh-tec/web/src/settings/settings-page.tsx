import { Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { ErrorState, LoadingState } from '@platform/web/components/list-states.tsx';
import { PlatformPage } from '@platform/web/components/platform-page.tsx';
import { useState } from 'react';
import type { SettingsView } from '../api/odh-tec-types.ts';
import { ConnectionsTab } from './connections-tab.tsx';
import { HfTokenTab } from './hf-token-tab.tsx';
import { settingsPath } from './settings-paths.ts';
import { TransferSettingsTab } from './transfer-settings-tab.tsx';

/** Settings: S3 connections, the Hugging Face token and transfer limits (spec 01-odh-tec "Web UI": Settings). */
export function SettingsPage() {
  const settings = useApiQuery<SettingsView>(settingsPath);
  const [tab, setTab] = useState<string | number>('connections');
  return (
    <PlatformPage title="Settings" description="Connections and limits of ODH-TEC.">
      {settings.isPending && <LoadingState />}
      {settings.error && <ErrorState error={settings.error} onRetry={() => settings.refetch()} />}
      {settings.data && (
        <Tabs activeKey={tab} onSelect={(_event, key) => setTab(key)} aria-label="Settings sections">
          <Tab eventKey="connections" title={<TabTitleText>S3 connections</TabTitleText>}>
            <ConnectionsTab connections={settings.data.connections} />
          </Tab>
          <Tab eventKey="huggingface" title={<TabTitleText>Hugging Face</TabTitleText>}>
            <HfTokenTab huggingface={settings.data.huggingface} />
          </Tab>
          <Tab eventKey="transfers" title={<TabTitleText>Transfers</TabTitleText>}>
            <TransferSettingsTab settings={settings.data} />
          </Tab>
        </Tabs>
      )}
    </PlatformPage>
  );
}
