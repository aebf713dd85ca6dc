import { FormSelect, FormSelectOption, TextInput, Toolbar, ToolbarContent, ToolbarItem } from '@patternfly/react-core';
import type { FindingFilters } from './finding-filters.ts';
import { findingSeverities, findingStatuses, statusText } from './finding-status.tsx';

/** Status, severity, domain and device filters of the findings list. */
export function FindingsToolbar(props: { filters: FindingFilters; onChange: (filters: FindingFilters) => void }) {
  const { filters, onChange } = props;
  const set = (field: keyof FindingFilters) => (_event: unknown, value: string) =>
    onChange({ ...filters, [field]: value.trim() });
  return (
    <Toolbar>
      <ToolbarContent>
        <ToolbarItem>
          <FormSelect value={filters.status} onChange={set('status')} aria-label="Status" id="opmas-filter-status">
            <FormSelectOption value="" label="Any status" />
            {findingStatuses.map((status) => (
              <FormSelectOption key={status} value={status} label={statusText(status)} />
            ))}
          </FormSelect>
        </ToolbarItem>
        <ToolbarItem>
          <FormSelect
            value={filters.severity}
            onChange={set('severity')}
            aria-label="Severity"
            id="opmas-filter-severity"
          >
            <FormSelectOption value="" label="Any severity" />
            {findingSeverities.map((severity) => (
              <FormSelectOption key={severity} value={severity} label={severity} />
            ))}
          </FormSelect>
        </ToolbarItem>
        <ToolbarItem>
          <TextInput
            value={filters.domain}
            onChange={set('domain')}
            aria-label="Domain"
            placeholder="Domain"
            className="opmas-filter-input"
          />
        </ToolbarItem>
        <ToolbarItem>
          <TextInput
            value={filters.device}
            onChange={set('device')}
            aria-label="Device"
            placeholder="Device slug"
            className="opmas-filter-input"
          />
        </ToolbarItem>
      </ToolbarContent>
    </Toolbar>
  );
}
