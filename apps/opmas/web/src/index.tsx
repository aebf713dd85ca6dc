import type { AppWebModule } from '@platform/web/routing/app-modules.ts';
import { Navigate } from 'react-router';
import { OpmasLayout } from './layout/opmas-layout.tsx';

// Pages are their own chunks; the layout (navigation) loads with the module (spec 02-opmas "Web UI").
const opmas: AppWebModule = {
  id: 'opmas',
  routes: [
    {
      Component: OpmasLayout,
      children: [
        { index: true, element: <Navigate to="findings" replace /> },
        {
          path: 'findings',
          lazy: async () => ({ Component: (await import('./findings/findings-page.tsx')).FindingsPage }),
        },
        {
          path: 'rules',
          lazy: async () => ({ Component: (await import('./rules/rules-page.tsx')).RulesPage }),
        },
        {
          path: 'devices',
          lazy: async () => ({ Component: (await import('./devices/devices-page.tsx')).DevicesPage }),
        },
        {
          path: 'devices/:deviceId',
          lazy: async () => ({ Component: (await import('./devices/device-page.tsx')).DevicePage }),
        },
        {
          path: 'actions',
          lazy: async () => ({ Component: (await import('./actions/actions-page.tsx')).ActionsPage }),
        },
      ],
    },
  ],
};

export default opmas;
