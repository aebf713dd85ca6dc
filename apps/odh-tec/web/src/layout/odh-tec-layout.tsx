import { Sidebar, SidebarContent, SidebarPanel } from '@patternfly/react-core';
import { Outlet } from 'react-router';
import { DisclaimerModal } from '../disclaimer/disclaimer-modal.tsx';
import { OdhTecNavigation } from './odh-tec-navigation.tsx';
import '../odh-tec.css';

/** Every ODH-TEC page: the app navigation beside the page, and the disclaimer until it is accepted. */
export function OdhTecLayout() {
  return (
    <Sidebar hasGutter className="odh-tec-layout">
      <SidebarPanel variant="sticky" className="odh-tec-sidebar">
        <OdhTecNavigation />
      </SidebarPanel>
      <SidebarContent className="odh-tec-content">
        <Outlet />
      </SidebarContent>
      <DisclaimerModal />
    </Sidebar>
  );
}
