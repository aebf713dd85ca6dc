import { createBrowserRouter, type RouteObject } from 'react-router';
import { routerBasename } from '../api/base-path.ts';
import { LoadingState } from '../components/list-states.tsx';
import { AppLandingPage } from '../pages/app-landing-page.tsx';
import { HomePage } from '../pages/home-page.tsx';
import { LoginPage } from '../pages/login-page.tsx';
import { RouteErrorPage } from '../pages/route-error-page.tsx';
import { AppShell } from '../shell/app-shell.tsx';
import { appModuleLoaders, createAppRoutePatcher, type ModuleLoaders, shellRouteId } from './app-modules.ts';

// Admin pages are their own chunks: most visits never open them.
export const portalRoutes: RouteObject[] = [
  { path: '/login', Component: LoginPage, errorElement: <RouteErrorPage />, hydrateFallbackElement: <LoadingState /> },
  {
    id: shellRouteId,
    path: '/',
    Component: AppShell,
    errorElement: <RouteErrorPage />,
    // Shown while a lazily loaded page or app module arrives on the first page load.
    hydrateFallbackElement: <LoadingState />,
    children: [
      { index: true, Component: HomePage },
      { path: 'tokens', lazy: async () => ({ Component: (await import('../admin/tokens-page.tsx')).TokensPage }) },
      {
        path: 'admin/users',
        lazy: async () => ({ Component: (await import('../admin/users-roles-page.tsx')).UsersRolesPage }),
      },
      { path: 'admin/audit', lazy: async () => ({ Component: (await import('../admin/audit-page.tsx')).AuditPage }) },
      { path: 'admin/jobs', lazy: async () => ({ Component: (await import('../admin/jobs-page.tsx')).JobsPage }) },
      { path: ':appId/*', Component: AppLandingPage },
    ],
  },
];

/** The portal router; `appModules` is the `import.meta.glob` result of the apps' web modules. */
export function createPortalRouter(appModules: ModuleLoaders) {
  const basename = routerBasename();
  return createBrowserRouter(portalRoutes, {
    basename,
    patchRoutesOnNavigation: createAppRoutePatcher(appModuleLoaders(appModules), basename),
  });
}
