import {
  Alert,
  Bullseye,
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from '@patternfly/react-core';
import { SearchIcon } from '@patternfly/react-icons';
import type { ReactNode } from 'react';

export function LoadingState({ label = 'Loading' }: { label?: string }) {
  return (
    <Bullseye className="platform-state">
      <Spinner aria-label={label} />
    </Bullseye>
  );
}

export function EmptyListState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <EmptyState titleText={title} headingLevel="h3" icon={SearchIcon} variant="sm">
      {children && <EmptyStateBody>{children}</EmptyStateBody>}
      {action && (
        <EmptyStateFooter>
          <EmptyStateActions>{action}</EmptyStateActions>
        </EmptyStateFooter>
      )}
    </EmptyState>
  );
}

export function ErrorState({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  return (
    <Alert
      variant="danger"
      isInline
      title="Could not load this list"
      actionLinks={
        onRetry && (
          <Button variant="link" isInline onClick={onRetry}>
            Try again
          </Button>
        )
      }
    >
      {error.message}
    </Alert>
  );
}

interface ListQuery<T> {
  data: T | undefined;
  error: Error | null;
  isPending: boolean;
  refetch: () => unknown;
}

/**
 * Renders the loading, error or empty state of a list query, or `children` with its items.
 * Every list in the portal goes through here so none forgets a state.
 */
export function QueryList<T>(props: {
  query: ListQuery<{ items: T[] }>;
  empty: ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  const { query } = props;
  if (query.isPending) return <LoadingState />;
  if (query.error) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  const items = query.data?.items ?? [];
  if (items.length === 0) return <>{props.empty}</>;
  return <>{props.children(items)}</>;
}
