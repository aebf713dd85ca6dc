import { Nav, NavGroup, NavItem } from '@patternfly/react-core';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { useLocation } from 'react-router';

/** The app's page groups (spec 01-odh-tec "Web UI": Storage Tools, GPU Tools, Settings). */
export const odhTecNavigation = [
  {
    group: 'Storage Tools',
    items: [
      { to: '/odh-tec/browse', label: 'Storage Browser' },
      { to: '/odh-tec/transfers', label: 'Transfers' },
    ],
  },
  { group: 'GPU Tools', items: [{ to: '/odh-tec/gpu/vram-estimator', label: 'VRAM Estimator' }] },
  { group: 'Settings', items: [{ to: '/odh-tec/settings', label: 'Settings' }] },
] as const;

function NavigationLink({ to, label }: { to: string; label: string }) {
  const link = useRouterLink(to);
  const { pathname } = useLocation();
  return (
    <NavItem to={link.href} onClick={link.onClick} isActive={pathname.startsWith(to)}>
      {label}
    </NavItem>
  );
}

/** The app's own navigation: the portal shell has no per-app sidebar, so the app layout carries it. */
export function OdhTecNavigation() {
  return (
    <Nav aria-label="ODH-TEC">
      {odhTecNavigation.map(({ group, items }) => (
        <NavGroup key={group} title={group}>
          {items.map((item) => (
            <NavigationLink key={item.to} to={item.to} label={item.label} />
          ))}
        </NavGroup>
      ))}
    </Nav>
  );
}
