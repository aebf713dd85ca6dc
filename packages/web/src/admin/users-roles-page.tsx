import { Tab, Tabs, TabTitleText } from '@patternfly/react-core';
import { useSearchParams } from 'react-router';
import { PlatformPage } from '../components/platform-page.tsx';
import { RolesEditor } from './roles-editor.tsx';
import { UsersTable } from './users-table.tsx';

export function UsersRolesPage() {
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'roles' ? 'roles' : 'users';
  return (
    <PlatformPage title="Users & roles" description="Who may sign in, and what each role allows.">
      <Tabs
        activeKey={tab}
        onSelect={(_event, key) => setParams(key === 'roles' ? { tab: 'roles' } : {}, { replace: true })}
        mountOnEnter
        unmountOnExit
      >
        <Tab eventKey="users" title={<TabTitleText>Users</TabTitleText>}>
          <UsersTable />
        </Tab>
        <Tab eventKey="roles" title={<TabTitleText>Roles</TabTitleText>}>
          <RolesEditor />
        </Tab>
      </Tabs>
    </PlatformPage>
  );
}
