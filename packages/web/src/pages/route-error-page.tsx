import { Alert, PageSection } from '@patternfly/react-core';
import { isRouteErrorResponse, useRouteError } from 'react-router';

/** Last-resort boundary: a failed lazy chunk or a crashing page shows a message instead of a blank screen. */
export function RouteErrorPage() {
  const error = useRouteError();
  const message = isRouteErrorResponse(error)
    ? `${error.status} ${error.statusText}`
    : error instanceof Error
      ? error.message
      : 'Unknown error';
  return (
    <PageSection>
      <Alert variant="danger" title="This page could not be shown">
        {message}
      </Alert>
    </PageSection>
  );
}
