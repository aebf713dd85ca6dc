import { Button, Card, CardBody, CardFooter, CardTitle, Gallery } from '@patternfly/react-core';
import type { HostedApp } from '../api/kernel-types.ts';
import { EmptyListState, QueryList } from '../components/list-states.tsx';
import { PlatformPage } from '../components/platform-page.tsx';
import { useHostedApps } from '../shell/current-user.ts';
import { useRouterLink } from '../shell/router-link.ts';

function AppCard({ app }: { app: HostedApp }) {
  const link = useRouterLink(`/${app.id}/`);
  return (
    <Card isFullHeight>
      <CardTitle>{app.title}</CardTitle>
      <CardBody>{app.description}</CardBody>
      <CardFooter>
        <Button variant="link" isInline component="a" href={link.href} onClick={link.onClick}>
          Open {app.title}
        </Button>
      </CardFooter>
    </Card>
  );
}

export function HomePage() {
  const apps = useHostedApps();
  return (
    <PlatformPage title="Applications" description="The applications this platform hosts.">
      <QueryList
        query={apps}
        empty={
          <EmptyListState title="No applications">
            This process hosts no applications. Set the APPS variable to choose which ones it serves.
          </EmptyListState>
        }
      >
        {(items) => (
          <Gallery hasGutter minWidths={{ default: '280px' }}>
            {items.map((app) => (
              <AppCard key={app.id} app={app} />
            ))}
          </Gallery>
        )}
      </QueryList>
    </PlatformPage>
  );
}
