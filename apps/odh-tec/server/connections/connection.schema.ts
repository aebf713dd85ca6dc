import { type Static, Type } from 'typebox';

/** Slug ids; `embedded` and `local-*` are reserved for built-in locations (spec 01-odh-tec "Data model"). */
const ConnectionId = Type.String({
  pattern: '^(?!embedded$)(?!local-)[a-z0-9][a-z0-9-]{0,62}$',
  description: 'slug id, not `embedded` or `local-*`',
});

const ChecksumMode = Type.Union([Type.Literal('when_supported'), Type.Literal('when_required')], {
  description: '`when_required` for stores that reject the SDK default checksums (R2, older MinIO)',
});

/** The settings of a connection apart from its id, version and secret. */
const settingsFields = {
  /** display name */
  name: Type.String({ minLength: 1, maxLength: 200, description: 'display name' }),
  /** http(s) URL of the S3 endpoint */
  endpoint: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'S3 endpoint URL' }),
  /** signing region */
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'signing region' })),
  /** access key id */
  accessKeyId: Type.String({ minLength: 1, maxLength: 256, description: 'access key id' }),
  /** bucket to open first, and the one listed when ListBuckets is denied */
  defaultBucket: Type.Optional(Type.String({ maxLength: 63, description: 'default bucket' })),
  /** path-style addressing */
  forcePathStyle: Type.Optional(Type.Boolean({ description: 'path-style addressing' })),
  checksumMode: Type.Optional(ChecksumMode),
  /** extra trusted CA certificates (PEM) */
  caBundlePem: Type.Optional(
    Type.Union([Type.String({ maxLength: 200_000 }), Type.Null()], { description: 'PEM CA bundle' }),
  ),
  /** verify the endpoint's TLS certificate */
  tlsVerify: Type.Optional(Type.Boolean({ description: 'verify TLS certificates' })),
};

export const CreateConnection = Type.Object(
  {
    id: ConnectionId,
    ...settingsFields,
    /** secret access key (write-only: never returned) */
    secretAccessKey: Type.String({ minLength: 1, maxLength: 1024, description: 'secret access key (write-only)' }),
  },
  { additionalProperties: false },
);
export type CreateConnection = Static<typeof CreateConnection>;

export const UpdateConnection = Type.Object(
  {
    ...settingsFields,
    /** a new secret; omitted or the masked value keeps the stored one */
    secretAccessKey: Type.Optional(
      Type.String({ minLength: 1, maxLength: 1024, description: 'new secret (write-only)' }),
    ),
    /** the version this update was based on */
    version: Type.Integer({ minimum: 1, description: 'version read before editing' }),
  },
  { additionalProperties: false },
);
export type UpdateConnection = Static<typeof UpdateConnection>;

/** Settings to test without saving them. */
export const TestConnectionBody = Type.Object(
  {
    ...settingsFields,
    name: Type.Optional(settingsFields.name),
    secretAccessKey: Type.String({ minLength: 1, maxLength: 1024, description: 'secret access key (write-only)' }),
  },
  { additionalProperties: false },
);
export type TestConnectionBody = Static<typeof TestConnectionBody>;

export const ConnectionIdParams = Type.Object({ id: ConnectionId });

export const ConnectionView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  endpoint: Type.String(),
  region: Type.String(),
  accessKeyId: Type.String(),
  /** `****` and the last four characters: the secret itself is never returned */
  secretAccessKey: Type.String({ description: 'masked secret' }),
  defaultBucket: Type.String(),
  forcePathStyle: Type.Boolean(),
  checksumMode: ChecksumMode,
  caBundlePem: Type.Union([Type.String(), Type.Null()]),
  tlsVerify: Type.Boolean(),
  version: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type ConnectionView = Static<typeof ConnectionView>;

export const ConnectionTestResult = Type.Object({
  ok: Type.Boolean(),
  message: Type.String(),
  /** the S3 error code when the test failed */
  code: Type.Optional(Type.String()),
  /** whether ListBuckets is allowed */
  listBuckets: Type.Optional(Type.Boolean()),
});
export type ConnectionTestResult = Static<typeof ConnectionTestResult>;
