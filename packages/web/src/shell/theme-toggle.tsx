import { ToggleGroup, ToggleGroupItem } from '@patternfly/react-core';
import { MoonIcon, SunIcon } from '@patternfly/react-icons';
import { useTheme } from './theme.ts';

export function ThemeToggle() {
  const [theme, setTheme] = useTheme();
  return (
    <ToggleGroup aria-label="Colour theme">
      <ToggleGroupItem
        icon={<SunIcon />}
        aria-label="Light theme"
        isSelected={theme === 'light'}
        onChange={() => setTheme('light')}
      />
      <ToggleGroupItem
        icon={<MoonIcon />}
        aria-label="Dark theme"
        isSelected={theme === 'dark'}
        onChange={() => setTheme('dark')}
      />
    </ToggleGroup>
  );
}
