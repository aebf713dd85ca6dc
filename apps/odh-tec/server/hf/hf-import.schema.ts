import { type Static, Type } from 'typebox';

const Globs = Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 64 });
/** A request token: used for this import only, never stored beyond it, never returned. */
const HfToken = Type.String({ maxLength: 512 });

export const ImportHf = Type.Object({
  /** `org/name` (or a legacy single-segment id) */
  modelId: Type.String({ minLength: 1, maxLength: 200 }),
  /** branch, tag or commit; pinned to a commit before anything is copied (default main) */
  revision: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  destination: Type.Object({
    /** location id (default: the default location); `local-<n>` for a local root */
    locationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** S3 bucket (default: the location's default bucket) */
    bucket: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
    /** key prefix the `<modelId>/` folder goes under */
    prefix: Type.Optional(Type.String({ maxLength: 512 })),
    /** local folder below the root (local destinations) */
    path: Type.Optional(Type.String({ maxLength: 1024 })),
  }),
  /** picomatch globs on repository paths (default `**`) */
  include: Type.Optional(Globs),
  /** globs removed after include */
  exclude: Type.Optional(Globs),
  hfToken: Type.Optional(HfToken),
  /** skip files already present with the same size and checksum (default true) */
  skipExisting: Type.Optional(Type.Boolean()),
});
export type ImportHf = Static<typeof ImportHf>;

export const ImportHfUpstream = Type.Object({
  destinationType: Type.Union([Type.Literal('s3'), Type.Literal('local')]),
  bucketName: Type.Optional(Type.String({ minLength: 1, maxLength: 63 })),
  localLocationId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  localPath: Type.Optional(Type.String({ maxLength: 1024 })),
  modelId: Type.String({ minLength: 1, maxLength: 200 }),
  hfToken: Type.Optional(HfToken),
  prefix: Type.Optional(Type.String({ maxLength: 512 })),
});
export type ImportHfUpstream = Static<typeof ImportHfUpstream>;

export const ImportStarted = Type.Object({
  jobId: Type.String(),
  sseUrl: Type.String(),
  /** the commit the import is pinned to */
  revision: Type.String(),
});

export const ImportStartedUpstream = Type.Object({
  message: Type.Literal('Model import started'),
  jobId: Type.String(),
  sseUrl: Type.String(),
});
