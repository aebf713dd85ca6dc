import { type Static, Type } from 'typebox';

export const Endpoint = Type.Object({
  /** `s3` (a bucket of a location) or `local` (a local root) */
  type: Type.Union([Type.Literal('s3'), Type.Literal('local')]),
  /** location id (`embedded`, `default`, a connection id, `local-<n>`) */
  locationId: Type.String({ minLength: 1, maxLength: 64 }),
  /** S3: `<bucket>/<prefix>`; local: a folder below the root (empty = the root) */
  path: Type.String({ maxLength: 1100 }),
});
export type EndpointBody = Static<typeof Endpoint>;

export const ConflictResolution = Type.Union([Type.Literal('overwrite'), Type.Literal('skip'), Type.Literal('rename')]);

export const CreateCopy = Type.Object({
  source: Endpoint,
  destination: Endpoint,
  /** paths relative to the source path; one ending in `/` copies that whole folder */
  files: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 10000 }),
  /** what to do when a destination file exists (default overwrite) */
  conflictResolution: Type.Optional(ConflictResolution),
});
export type CreateCopy = Static<typeof CreateCopy>;

export const CheckConflicts = Type.Object({
  destination: Endpoint,
  /** paths relative to the destination path */
  files: Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { minItems: 1, maxItems: 10000 }),
});
export type CheckConflicts = Static<typeof CheckConflicts>;

export const ConflictReport = Type.Object({
  /** the relative paths that already exist at the destination */
  conflicts: Type.Array(Type.String()),
  details: Type.Array(Type.Object({ path: Type.String(), size: Type.Number() })),
});

export const TransferCreated = Type.Object({
  /** the transfer's id (its first kernel job id) */
  jobId: Type.String(),
  /** the job's event stream */
  sseUrl: Type.String(),
});

export const JobParams = Type.Object({ jobId: Type.String({ format: 'uuid' }) });

export const ListTransfersQuery = Type.Object({
  /** only jobs in this status */
  status: Type.Optional(Type.String({ maxLength: 20 })),
  /** only jobs of this kind */
  kind: Type.Optional(Type.String({ maxLength: 20 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  /** the previous page's nextCursor */
  cursor: Type.Optional(Type.String({ maxLength: 64 })),
});
export type ListTransfersQuery = Static<typeof ListTransfersQuery>;

const Progress = Type.Object({
  totalFiles: Type.Integer(),
  completedFiles: Type.Integer(),
  failedFiles: Type.Integer(),
  skippedFiles: Type.Integer(),
  totalBytes: Type.Number(),
  loadedBytes: Type.Number(),
  percentage: Type.Number(),
});

export const FileView = Type.Object({
  /** destination path (key below the bucket, or path below the local root) */
  path: Type.String(),
  source: Type.String(),
  loaded: Type.Number(),
  total: Type.Union([Type.Number(), Type.Null()]),
  status: Type.String(),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
});

export const TransferView = Type.Object({
  jobId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  source: Type.Unknown(),
  destination: Type.Unknown(),
  progress: Progress,
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  createdAt: Type.String(),
  startedAt: Type.Union([Type.String(), Type.Null()]),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  /** present on the single-job view */
  files: Type.Optional(Type.Array(FileView)),
});
export type TransferView = Static<typeof TransferView>;

export const TransferList = Type.Object({
  transfers: Type.Array(TransferView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const CleanupResult = Type.Object({
  deleted: Type.Array(Type.String()),
  errors: Type.Array(Type.Object({ path: Type.String(), code: Type.String() })),
});
