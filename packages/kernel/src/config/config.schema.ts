import { type Static, Type } from 'typebox';

/** Every core environment variable of the platform, one documented field each. Apps add their own, prefixed by their id. */
export const CoreEnvironment = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'HTTP listen port' }),
  HOST: Type.String({ default: '127.0.0.1', description: 'listen address; containers set 0.0.0.0' }),
  PUBLIC_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'external base URL for OIDC redirects and links (default http://localhost:$PORT)',
    }),
  ),
  DATA_DIR: Type.String({
    default: './.data',
    description: 'embedded database, embedded object store, generated keys',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      description: 'PostgreSQL connection string; unset uses embedded PGlite in DATA_DIR',
    }),
  ),
  NATS_URL: Type.Optional(
    Type.String({ description: 'NATS server URL(s), comma separated; unset uses the in-process bus' }),
  ),
  APPS: Type.String({ default: 'all', description: 'comma list of app ids this process hosts, or all' }),
  ROLE: Type.Union([Type.Literal('all'), Type.Literal('api'), Type.Literal('worker')], {
    default: 'all',
    description: 'duties of this process: HTTP serving (api), background work (worker) or both (all)',
  }),
  MOUNT_AT_ROOT: Type.Boolean({ default: false, description: 'standalone mode: mount the single hosted app at /' }),
  BASE_PATH: Type.Optional(
    Type.String({
      pattern: "^(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*/?$",
      description: 'path prefix every route also answers under, e.g. a notebook NB_PREFIX (read as fallback)',
    }),
  ),
  AUTH_MODE: Type.Union([Type.Literal('local'), Type.Literal('oidc'), Type.Literal('proxy'), Type.Literal('none')], {
    default: 'local',
    description: 'local accounts, OIDC login, trusted reverse-proxy headers, or single-user workbench',
  }),
  OIDC_ISSUER: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'OIDC issuer URL (Google: https://accounts.google.com)' }),
  ),
  OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'OIDC client id' })),
  OIDC_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, description: 'OIDC client secret (never logged)' })),
  OIDC_PROVIDER_NAME: Type.Optional(
    Type.String({ description: 'label of the "Sign in with" button (default derived from the issuer)' }),
  ),
  OIDC_ALLOWED_DOMAINS: Type.Optional(
    Type.String({ description: 'comma list of e-mail domains allowed to sign in via OIDC' }),
  ),
  ADMIN_EMAILS: Type.Optional(
    Type.String({ description: 'comma list of e-mails that get the admin role on OIDC/proxy sign-in' }),
  ),
  TRUSTED_PROXIES: Type.Optional(
    Type.String({ description: 'comma list of addresses/CIDRs whose X-Forwarded-* headers are trusted' }),
  ),
  PLATFORM_SECRET_KEYS: Type.Optional(
    Type.String({ description: 'Fernet keys, comma separated, newest first; generated into DATA_DIR when unset' }),
  ),
  CORS_ORIGINS: Type.Optional(
    Type.String({ description: 'comma list of allowed CORS origins; unset allows same origin only' }),
  ),
  METRICS_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'bearer token for /metrics; unset serves it to loopback only' }),
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'pino log level' },
  ),
  SESSION_TTL_HOURS: Type.Integer({ minimum: 1, default: 168, description: 'lifetime of a browser session' }),
  NODE_ENV: Type.Optional(Type.String({ description: 'production sets Secure cookies' })),
});
export type CoreEnvironment = Static<typeof CoreEnvironment>;
