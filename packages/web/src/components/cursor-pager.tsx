import { Button, Flex, FlexItem } from '@patternfly/react-core';
import { AngleLeftIcon, AngleRightIcon } from '@patternfly/react-icons';
import { useCallback, useState } from 'react';

/**
 * Cursor pagination state: the kernel's lists answer an opaque `nextCursor`, so going back means
 * remembering the cursors already visited.
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const next = useCallback((nextCursor: string) => setCursors((visited) => [...visited, nextCursor]), []);
  const previous = useCallback(() => setCursors((visited) => visited.slice(0, -1)), []);
  const reset = useCallback(() => setCursors([]), []);
  return { cursor, page: cursors.length + 1, next, previous, reset };
}

export function CursorPager(props: {
  page: number;
  nextCursor: string | null | undefined;
  onNext: (cursor: string) => void;
  onPrevious: () => void;
}) {
  const { page, nextCursor } = props;
  return (
    <Flex justifyContent={{ default: 'justifyContentFlexEnd' }} alignItems={{ default: 'alignItemsCenter' }}>
      <FlexItem>Page {page}</FlexItem>
      <FlexItem>
        <Button variant="plain" aria-label="Previous page" isDisabled={page <= 1} onClick={props.onPrevious}>
          <AngleLeftIcon />
        </Button>
        <Button
          variant="plain"
          aria-label="Next page"
          isDisabled={!nextCursor}
          onClick={() => nextCursor && props.onNext(nextCursor)}
        >
          <AngleRightIcon />
        </Button>
      </FlexItem>
    </Flex>
  );
}
