import { Content, PageSection, Title } from '@patternfly/react-core';
import type { ReactNode } from 'react';

/** A titled page: header section plus a body section; apps use it to look like the portal. */
export function PlatformPage(props: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <PageSection>
        <div className="platform-page-header">
          <div>
            <Title headingLevel="h1">{props.title}</Title>
            {props.description && <Content component="p">{props.description}</Content>}
          </div>
          {props.actions && <div>{props.actions}</div>}
        </div>
      </PageSection>
      <PageSection isFilled>{props.children}</PageSection>
    </>
  );
}
