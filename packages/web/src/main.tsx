import '@patternfly/react-core/dist/styles/base.css';
import './portal.css';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { createQueryClient } from './api/use-api.ts';
import { createPortalRouter } from './routing/router.tsx';
import { applyInitialTheme } from './shell/theme.ts';

applyInitialTheme();

// Each app's pages plug in from apps/<id>/web/src/index.tsx; none may exist yet, which is fine.
const appModules = import.meta.glob('../../../apps/*/web/src/index.tsx');
const router = createPortalRouter(appModules);
const queryClient = createQueryClient();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks the #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
