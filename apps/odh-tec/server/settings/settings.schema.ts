import { type Static, Type } from 'typebox';
import { ConnectionView } from '../connections/connection.schema.ts';
import { BucketList } from '../objects/object.schema.ts';
import { SETTINGS_LIMITS } from './settings.service.ts';

const ProxyUrl = Type.String({ maxLength: 2048, description: 'http(s) proxy URL; empty for none' });

const proxyFields = {
  /** proxy for http:// targets (`HTTP_PROXY`) */
  httpProxy: ProxyUrl,
  /** proxy for https:// targets (`HTTPS_PROXY`) */
  httpsProxy: ProxyUrl,
  /** hosts reached directly (`NO_PROXY`: `*`, domains, `.suffix`, IPs, optional `:port`) */
  noProxy: Type.String({ maxLength: 4096, description: 'comma-separated NO_PROXY list' }),
};

export const ProxyView = Type.Object(proxyFields);

/** Location ids: `embedded`, `default`, `local-N` or a connection slug. */
const LocationId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'location id' });

export const MaxConcurrentTransfers = Type.Integer({
  ...SETTINGS_LIMITS.maxConcurrentTransfers,
  description: 'transfer slots per process',
});
export const MaxFilesPerPage = Type.Integer({
  ...SETTINGS_LIMITS.maxFilesPerPage,
  description: 'default page size of listings',
});

export const HuggingFaceView = Type.Object({
  /** a token applies (stored, or `HF_TOKEN`) */
  tokenSet: Type.Boolean(),
  /** last four characters of the token ('' for short tokens) */
  tokenHint: Type.String(),
  /** the Hub base URL (`HF_ENDPOINT`, env only) */
  endpoint: Type.String(),
});

export const SettingsView = Type.Object({
  /** the user's S3 connections, secrets masked */
  connections: Type.Array(ConnectionView),
  huggingface: HuggingFaceView,
  /** transfer slots per process */
  maxConcurrentTransfers: Type.Integer(),
  /** default page size of listings */
  maxFilesPerPage: Type.Integer(),
  /** outbound proxies; passwords masked */
  proxy: ProxyView,
  /** the location used when a request names none */
  defaultLocationId: Type.String(),
});
export type SettingsView = Static<typeof SettingsView>;

export const SettingsPatchBody = Type.Object(
  {
    /** transfer slots per process, 1–32 */
    maxConcurrentTransfers: Type.Optional(MaxConcurrentTransfers),
    /** default page size, 10–1000 */
    maxFilesPerPage: Type.Optional(MaxFilesPerPage),
    /** proxies; omitted fields keep their value, a masked password keeps the stored one */
    proxy: Type.Optional(Type.Partial(ProxyView, { additionalProperties: false })),
    /** a location id, or null to return to the built-in rule */
    defaultLocationId: Type.Optional(Type.Union([LocationId, Type.Null()])),
  },
  { additionalProperties: false },
);
export type SettingsPatchBody = Static<typeof SettingsPatchBody>;

export const HfTokenBody = Type.Object(
  {
    /** the new token; `""` clears it, the masked value keeps it (write-only) */
    hfToken: Type.String({ maxLength: 1024, description: 'Hugging Face token (write-only)' }),
  },
  { additionalProperties: false },
);

export const HfTestBody = Type.Object(
  {
    /** a token to test instead of the stored one */
    hfToken: Type.Optional(Type.String({ maxLength: 1024, description: 'token to test (write-only)' })),
  },
  { additionalProperties: false },
);
export type HfTestBody = Static<typeof HfTestBody>;

export const HfTestResult = Type.Object({
  ok: Type.Boolean(),
  /** the token's display name on the Hub */
  accessTokenDisplayName: Type.String(),
  /** the token's role (`read`, `write`, `fineGrained`) */
  role: Type.String(),
});

export const ProxyTestBody = Type.Object({
  /** overrides the saved HTTP proxy for this test */
  httpProxy: Type.Optional(ProxyUrl),
  /** overrides the saved HTTPS proxy for this test */
  httpsProxy: Type.Optional(ProxyUrl),
  /** overrides the saved NO_PROXY for this test */
  noProxy: Type.Optional(proxyFields.noProxy),
  /** the http(s) URL to GET; link-local and metadata addresses are refused */
  testUrl: Type.String({ minLength: 1, maxLength: 2048, description: 'URL to fetch' }),
});
export type ProxyTestBody = Static<typeof ProxyTestBody>;

export const ProxyTestResult = Type.Object({
  /** the target answered with a status below 400 */
  ok: Type.Boolean(),
  /** the status of the answer; null when none arrived */
  status: Type.Union([Type.Integer(), Type.Null()]),
  /** the request went through a proxy */
  viaProxy: Type.Boolean(),
  /** time until the answer (or the failure) */
  elapsedMs: Type.Integer(),
  /** network error code when no answer arrived */
  code: Type.Optional(Type.String()),
});

export const DisclaimerBody = Type.Object(
  {
    /** the only answer the modal offers */
    status: Type.Literal('accepted'),
  },
  { additionalProperties: false },
);

export const DisclaimerView = Type.Object({
  disclaimer: Type.Object({
    /** `accepted` when the user accepted the current text version */
    status: Type.Union([Type.Literal('accepted'), Type.Literal('unknown')]),
  }),
});

/** `/api/buckets` with the user's bookmarks marked (spec "API" GET `/api/buckets`). */
export const BookmarkedBucketList = Type.Object({
  ...BucketList.properties,
  buckets: Type.Array(
    Type.Object({
      Name: Type.String(),
      CreationDate: Type.Optional(Type.String()),
      /** the user bookmarked this bucket */
      bookmarked: Type.Optional(Type.Boolean()),
    }),
  ),
});
export type BookmarkedBucketList = Static<typeof BookmarkedBucketList>;
