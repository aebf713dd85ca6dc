import type { SyntheticEvent } from 'react';
import { useHref, useNavigate } from 'react-router';

/**
 * `href` + `onClick` for PatternFly items that render plain anchors: the href (with the base path)
 * keeps "open in new tab" working, the click handler navigates inside the SPA.
 */
export function useRouterLink(to: string) {
  const href = useHref(to);
  const navigate = useNavigate();
  // Typed loosely because PatternFly hands some items' clicks over as form events.
  const onClick = (event: SyntheticEvent) => {
    const mouse = event.nativeEvent as Partial<MouseEvent>;
    if ((mouse.button ?? 0) !== 0 || mouse.metaKey || mouse.ctrlKey || mouse.shiftKey || mouse.altKey) return;
    event.preventDefault();
    navigate(to);
  };
  return { href, onClick };
}
