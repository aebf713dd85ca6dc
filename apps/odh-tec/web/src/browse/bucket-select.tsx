import { FormSelect, FormSelectOption } from '@patternfly/react-core';
import { useApiQuery } from '@platform/web/api/use-api.ts';
import { locationQuery, odhTecApi } from '../api/odh-tec-api.ts';
import type { BucketList } from '../api/odh-tec-types.ts';

/** The buckets of one location; when listing is denied the server answers with the default bucket only. */
export function BucketSelect(props: {
  locationId: string;
  value: string | undefined;
  onChange: (bucket: string) => void;
}) {
  const buckets = useApiQuery<BucketList>(`${odhTecApi}/buckets`, locationQuery(props.locationId));
  const names = buckets.data?.buckets.map((bucket) => bucket.Name) ?? [];
  return (
    <FormSelect
      value={props.value ?? ''}
      onChange={(_event, value) => props.onChange(value)}
      aria-label="Bucket"
      id="odh-tec-bucket"
      isDisabled={buckets.isPending || names.length === 0}
    >
      <FormSelectOption value="" label={buckets.isPending ? 'Loading buckets…' : 'Choose a bucket'} isPlaceholder />
      {names.map((name) => (
        <FormSelectOption key={name} value={name} label={name} />
      ))}
    </FormSelect>
  );
}
