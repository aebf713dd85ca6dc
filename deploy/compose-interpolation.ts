// Compose variable interpolation (https://docs.docker.com/reference/compose-file/interpolation/):
// `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`, `${VAR?error}` and `$$` for a literal `$`.
import { parse } from 'yaml';

export interface ComposeService {
  image: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
  restart?: string;
  read_only?: boolean;
  tmpfs?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g;

/** Names of every variable a compose file refers to. */
export function referencedVariables(text: string): string[] {
  return [...new Set([...text.matchAll(reference)].map((match) => match[1]).filter(Boolean))].sort();
}

/** Substitutes variables as `docker compose` does; a `?` reference to an unset variable throws its message. */
export function interpolate(text: string, env: Record<string, string | undefined>): string {
  return text.replace(reference, (match, name: string | undefined, colon: string, operator: string, word: string) => {
    if (match === '$$') return '$';
    const value = env[name as string];
    const missing = value === undefined || (colon === ':' && value === '');
    if (!operator) return value ?? '';
    if (!missing) return value as string;
    if (operator === '-') return word;
    throw new Error(`required variable ${name} is missing a value: ${word}`);
  });
}

/** Parses a compose file and interpolates its string values, in that order, as Compose does. */
export function loadCompose(text: string, env: Record<string, string | undefined>): ComposeFile {
  const substitute = (value: unknown): unknown => {
    if (typeof value === 'string') return interpolate(value, env);
    if (Array.isArray(value)) return value.map(substitute);
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, substitute(inner)]));
    }
    return value;
  };
  // Merge keys (`<<: *platform`) are YAML 1.1, which Compose supports.
  return substitute(parse(text, { merge: true })) as ComposeFile;
}
