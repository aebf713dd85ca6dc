import { FormSelect, FormSelectOption } from '@patternfly/react-core';
import type { LocationView } from '../api/odh-tec-types.ts';

const typeLabels: Record<LocationView['type'], string> = { s3: 'S3', local: 'Local', embedded: 'Embedded' };

/** The name with its type, unless the name already says it (e.g. "Embedded storage"). */
function locationLabel(location: LocationView): string {
  const type = typeLabels[location.type];
  const named = location.name.toLowerCase().includes(type.toLowerCase()) ? location.name : `${location.name} (${type})`;
  return location.available ? named : `${named} — unavailable`;
}

/** Chooses the storage location (S3 connection, local root or the embedded server). */
export function LocationPicker(props: {
  locations: LocationView[];
  value: string;
  onChange: (locationId: string) => void;
}) {
  return (
    <FormSelect
      value={props.value}
      onChange={(_event, value) => props.onChange(value)}
      aria-label="Location"
      id="odh-tec-location"
    >
      {props.locations.map((location) => (
        <FormSelectOption
          key={location.id}
          value={location.id}
          label={locationLabel(location)}
          isDisabled={!location.available}
        />
      ))}
    </FormSelect>
  );
}
