import { resolve } from 'node:path';
import { Value } from 'typebox/value';
import { CoreEnvironment } from './config.schema.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The validated, typed configuration the kernel runs with. */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  dataDir: string;
  databaseUrl?: string;
  natsUrl?: string;
  /** App ids to host, or 'all'. */
  apps: string[] | 'all';
  role: 'all' | 'api' | 'worker';
  mountAtRoot: boolean;
  /** Path prefix every route also answers under (no trailing slash; '' for none). */
  basePath: string;
  authMode: 'local' | 'oidc' | 'proxy' | 'none';
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret?: string;
    providerName: string;
    allowedDomains: string[];
  };
  adminEmails: string[];
  trustedProxies: string[];
  secretKeys?: string[];
  corsOrigins: string[];
  metricsToken?: string;
  logLevel: string;
  sessionTtlHours: number;
  production: boolean;
  /** The raw environment, for app-specific settings (prefixed with the app id). */
  env: Record<string, string | undefined>;
}

const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

const booleanWords: Record<string, boolean> = {
  '1': true,
  true: true,
  yes: true,
  on: true,
  '0': false,
  false: false,
  no: false,
  off: false,
  '': false,
};

/** Environment strings → typed values before schema validation, so that PORT=abc fails with a clear message. */
function coerce(env: Record<string, string | undefined>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(CoreEnvironment.properties)) {
    const raw = env[key];
    if (raw === undefined || raw === '') continue;
    const type = (schema as { type?: string }).type;
    if (type === 'integer') out[key] = /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
    else if (type === 'boolean') out[key] = booleanWords[raw.trim().toLowerCase()] ?? raw;
    else out[key] = raw;
  }
  return out;
}

/** Reads and validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // A Kubeflow/ODH workbench announces its route prefix as NB_PREFIX; BASE_PATH wins when both are set.
  const withBasePath = env.BASE_PATH || !env.NB_PREFIX ? env : { ...env, BASE_PATH: env.NB_PREFIX };
  const candidate = Value.Default(CoreEnvironment, coerce(withBasePath));
  const errors = [...Value.Errors(CoreEnvironment, candidate)];
  if (errors.length > 0) {
    const lines = errors.map((error) => {
      const name = error.instancePath.replace(/^\//, '') || '(root)';
      const schema = (CoreEnvironment.properties as Record<string, { anyOf?: { const: string }[] }>)[name];
      const reason = schema?.anyOf
        ? `must be one of ${schema.anyOf.map((option) => option.const).join('|')}`
        : error.message;
      return `  ${name}=${JSON.stringify((candidate as Record<string, unknown>)[name] ?? '')}: ${reason}`;
    });
    throw new ConfigError(`invalid configuration:\n${[...new Set(lines)].join('\n')}`);
  }
  const c = candidate as CoreEnvironment;
  const authMode = c.AUTH_MODE;
  if (authMode === 'oidc' && (!c.OIDC_ISSUER || !c.OIDC_CLIENT_ID)) {
    throw new ConfigError('invalid configuration:\n  AUTH_MODE=oidc needs OIDC_ISSUER and OIDC_CLIENT_ID');
  }
  if (authMode === 'proxy' && list(c.TRUSTED_PROXIES).length === 0) {
    throw new ConfigError(
      'invalid configuration:\n  AUTH_MODE=proxy needs TRUSTED_PROXIES (the proxy addresses whose headers are trusted)',
    );
  }
  const apps = c.APPS.trim() === 'all' ? 'all' : list(c.APPS);
  if (c.MOUNT_AT_ROOT && (apps === 'all' || apps.length !== 1)) {
    throw new ConfigError('invalid configuration:\n  MOUNT_AT_ROOT=1 needs APPS to name exactly one app');
  }
  const issuer = c.OIDC_ISSUER;
  return {
    port: c.PORT,
    host: c.HOST,
    publicUrl: (c.PUBLIC_URL ?? `http://localhost:${c.PORT}`).replace(/\/+$/, ''),
    dataDir: resolve(c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    natsUrl: c.NATS_URL,
    apps,
    role: c.ROLE,
    mountAtRoot: c.MOUNT_AT_ROOT,
    basePath: (c.BASE_PATH ?? '').replace(/\/+$/, ''),
    authMode,
    oidc:
      issuer && c.OIDC_CLIENT_ID
        ? {
            issuer,
            clientId: c.OIDC_CLIENT_ID,
            clientSecret: c.OIDC_CLIENT_SECRET,
            providerName:
              c.OIDC_PROVIDER_NAME ?? (issuer.includes('accounts.google.com') ? 'Google' : new URL(issuer).hostname),
            allowedDomains: list(c.OIDC_ALLOWED_DOMAINS).map((domain) => domain.toLowerCase()),
          }
        : undefined,
    adminEmails: list(c.ADMIN_EMAILS).map((email) => email.toLowerCase()),
    trustedProxies: list(c.TRUSTED_PROXIES),
    secretKeys: c.PLATFORM_SECRET_KEYS ? list(c.PLATFORM_SECRET_KEYS) : undefined,
    corsOrigins: list(c.CORS_ORIGINS),
    metricsToken: c.METRICS_TOKEN,
    logLevel: c.LOG_LEVEL,
    sessionTtlHours: c.SESSION_TTL_HOURS,
    production: c.NODE_ENV === 'production',
    env,
  };
}
