import type { AppWebModule } from '@platform/web/routing/app-modules.ts';
import { Navigate } from 'react-router';
import { OdhTecLayout } from './layout/odh-tec-layout.tsx';

// Pages are their own chunks; the layout (navigation, disclaimer) loads with the module.
const odhTec: AppWebModule = {
  id: 'odh-tec',
  routes: [
    {
      Component: OdhTecLayout,
      children: [
        { index: true, element: <Navigate to="browse" replace /> },
        {
          path: 'browse/:locationId?/:bucketName?/*',
          lazy: async () => ({ Component: (await import('./browse/browse-page.tsx')).BrowsePage }),
        },
        {
          path: 'transfers',
          lazy: async () => ({ Component: (await import('./transfers/transfers-page.tsx')).TransfersPage }),
        },
        {
          path: 'gpu/vram-estimator',
          lazy: async () => ({ Component: (await import('./vram/vram-estimator-page.tsx')).VramEstimatorPage }),
        },
        {
          path: 'settings',
          lazy: async () => ({ Component: (await import('./settings/settings-page.tsx')).SettingsPage }),
        },
      ],
    },
  ],
};

export default odhTec;
