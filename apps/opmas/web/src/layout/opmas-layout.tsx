import { Sidebar, SidebarContent, SidebarPanel } from '@patternfly/react-core';
import { Outlet } from 'react-router';
import { OpmasNavigation } from './opmas-navigation.tsx';
import '../opmas.css';

/** Every OPMAS page: the app navigation beside the page. */
export function OpmasLayout() {
  return (
    <Sidebar hasGutter className="opmas-layout">
      <SidebarPanel variant="sticky" className="opmas-sidebar">
        <OpmasNavigation />
      </SidebarPanel>
      <SidebarContent className="opmas-content">
        <Outlet />
      </SidebarContent>
    </Sidebar>
  );
}
