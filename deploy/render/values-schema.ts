// Validates chart values against values.schema.json as `helm install` does before rendering.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';

export interface SchemaCheck {
  valid: boolean;
  errors: string[];
}

export function loadValuesSchema(chartDirectory: string): (values: unknown) => SchemaCheck {
  const schema = JSON.parse(readFileSync(join(chartDirectory, 'values.schema.json'), 'utf8'));
  // Strict about unknown keywords and formats; type and `required` hints inside if/then branches are
  // left implicit, as JSON Schema draft-07 allows (Helm's validator accepts them too).
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  const validate = ajv.compile(schema);
  return (values) => {
    const valid = validate(values);
    return {
      valid,
      errors: (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message}`),
    };
  };
}
