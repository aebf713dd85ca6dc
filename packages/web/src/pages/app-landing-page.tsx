import { Button } from '@patternfly/react-core';
import { useParams } from 'react-router';
import { EmptyListState, ErrorState, LoadingState } from '../components/list-states.tsx';
import { PlatformPage } from '../components/platform-page.tsx';
import { useHostedApps } from '../shell/current-user.ts';
import { useRouterLink } from '../shell/router-link.ts';

/** Shown under `/<id>/` for a hosted app that has no web pages of its own (and for unknown paths). */
export function AppLandingPage() {
  const { appId } = useParams();
  const apps = useHostedApps();
  const home = useRouterLink('/');
  if (apps.isPending) return <LoadingState />;
  if (apps.error) return <ErrorState error={apps.error} onRetry={() => apps.refetch()} />;
  const app = apps.data.items.find((candidate) => candidate.id === appId);
  if (!app) {
    return (
      <PlatformPage title="Page not found">
        <EmptyListState
          title="Nothing here"
          action={
            <Button component="a" href={home.href} onClick={home.onClick}>
              Back to the applications
            </Button>
          }
        >
          No application or page is available at this address.
        </EmptyListState>
      </PlatformPage>
    );
  }
  return (
    <PlatformPage title={app.title} description={app.description}>
      <EmptyListState title={`${app.title} is running`}>
        Its API is served under {app.basePath}. This application has no pages in the portal yet.
      </EmptyListState>
    </PlatformPage>
  );
}
