import { CoreEnvironment } from './config.schema.ts';

/** The configuration reference as a Markdown table, generated from the schema so the README cannot drift. */
export function configReferenceTable(): string {
  const rows = Object.entries(CoreEnvironment.properties).map(([name, schema]) => {
    const { description = '', default: fallback } = schema as { description?: string; default?: unknown };
    const shown = fallback === undefined ? 'unset' : `\`${String(fallback)}\``;
    return `| \`${name}\` | ${shown} | ${description.replace(/\|/g, '\\|')} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
