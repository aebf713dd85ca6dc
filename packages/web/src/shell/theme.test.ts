import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyTheme, darkThemeClass, initialTheme, themeStorageKey } from './theme.ts';

const storageWith = (value: string | null) => ({ getItem: (key: string) => (key === themeStorageKey ? value : null) });

test('the stored choice wins over the system preference', () => {
  assert.equal(initialTheme(storageWith('light'), true), 'light');
  assert.equal(initialTheme(storageWith('dark'), false), 'dark');
});

test('without a stored choice the system preference decides', () => {
  assert.equal(initialTheme(storageWith(null), true), 'dark');
  assert.equal(initialTheme(storageWith('purple'), false), 'light');
  assert.equal(initialTheme(undefined, false), 'light');
});

test('applyTheme toggles the PatternFly dark class', () => {
  const classes = new Set<string>();
  const root = {
    classList: {
      toggle: (name: string, force?: boolean) => {
        if (force) classes.add(name);
        else classes.delete(name);
        return Boolean(force);
      },
    },
  };
  applyTheme(root, 'dark');
  assert.ok(classes.has(darkThemeClass));
  applyTheme(root, 'light');
  assert.ok(!classes.has(darkThemeClass));
});
