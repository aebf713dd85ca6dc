import { useCallback, useState } from 'react';

export type Theme = 'light' | 'dark';

// PatternFly 6 switches every token to its dark value under this class on <html>.
export const darkThemeClass = 'pf-v6-theme-dark';
export const themeStorageKey = 'platform.theme';

/** The stored choice, else the system preference. */
export function initialTheme(storage: Pick<Storage, 'getItem'> | undefined, prefersDark: boolean): Theme {
  const stored = storage?.getItem(themeStorageKey);
  if (stored === 'dark' || stored === 'light') return stored;
  return prefersDark ? 'dark' : 'light';
}

export function applyTheme(root: { classList: Pick<DOMTokenList, 'toggle'> }, theme: Theme): void {
  root.classList.toggle(darkThemeClass, theme === 'dark');
}

function safeStorage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    // Storage can be disabled by the browser's privacy settings; the theme then lasts one page load.
    return undefined;
  }
}

/** Applies the initial theme before React renders, so the page does not flash light first. */
export function applyInitialTheme(): void {
  const prefersDark = globalThis.matchMedia?.('(prefers-color-scheme: dark)').matches ?? false;
  applyTheme(document.documentElement, initialTheme(safeStorage(), prefersDark));
}

export function useTheme(): [Theme, (theme: Theme) => void] {
  const [theme, setThemeState] = useState<Theme>(() =>
    document.documentElement.classList.contains(darkThemeClass) ? 'dark' : 'light',
  );
  const setTheme = useCallback((next: Theme) => {
    applyTheme(document.documentElement, next);
    safeStorage()?.setItem(themeStorageKey, next);
    setThemeState(next);
  }, []);
  return [theme, setTheme];
}
