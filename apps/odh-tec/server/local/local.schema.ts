import { Type } from 'typebox';
import { LocationView } from '../locations/location.schema.ts';

/** A local location and a path in it (spec 01-odh-tec "API", `/api/local/…/:locationId/*`). */
export const LocalPathParams = Type.Object({
  /** `local-<i>` from LOCAL_STORAGE_PATHS */
  locationId: Type.String({ minLength: 1, maxLength: 64 }),
  /** base64url (or standard base64) of the UTF-8 path relative to the root; empty or `there_is_no_prefix` = the root */
  '*': Type.String({ maxLength: 4096 }),
});

export const ListQuery = Type.Object({
  /** entries per page */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  /** entries skipped (directories first, then files, by name) */
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});

export const UploadQuery = Type.Object({
  /** replace an existing file instead of answering 409 `file_exists` */
  overwrite: Type.Optional(Type.Boolean({ default: false })),
  /** declared file size in bytes, checked against MAX_FILE_SIZE_GB and free space before reading; default: Content-Length */
  size: Type.Optional(Type.Integer({ minimum: 0 })),
});

/** Upper bound of `maxBytes` for previews, as for objects. */
export const PREVIEW_LIMIT = 10 * 1024 * 1024;

export const PreviewQuery = Type.Object({
  /** bytes read from the start of the file; default ODH_TEC_PREVIEW_MAX_BYTES */
  maxBytes: Type.Optional(Type.Integer({ minimum: 1, maximum: PREVIEW_LIMIT })),
});

export const LocalEntryView = Type.Object({
  /** the entry's name */
  name: Type.String(),
  /** path relative to the root, to pass back base64url-encoded */
  path: Type.String(),
  /** `symlink` for links; they are followed only when their target stays inside the root */
  type: Type.Union([Type.Literal('file'), Type.Literal('directory'), Type.Literal('symlink')]),
  /** bytes (0 for directories) */
  size: Type.Number(),
  /** last modification, ISO 8601 */
  modified: Type.String(),
});

export const LocalListingView = Type.Object({
  /** this page of entries */
  files: Type.Array(LocalEntryView),
  /** the listed directory relative to the root ('' = the root) */
  currentPath: Type.String(),
  /** its parent ('' = the root), null at the root */
  parentPath: Type.Union([Type.String(), Type.Null()]),
  /** entries in the directory over all pages */
  totalCount: Type.Integer(),
});

export const UploadResult = Type.Object({
  /** fixed confirmation text */
  message: Type.String(),
  /** the written file, relative to the root */
  path: Type.String(),
  /** bytes written */
  size: Type.Number(),
});

export const DirectoryCreated = Type.Object({
  /** the created directory, relative to the root */
  path: Type.String(),
});

export const LocalDeleteResult = Type.Object({
  /** always true on success */
  deleted: Type.Literal(true),
  /** entries removed: 1 for a file, the directory plus everything below it for a directory */
  itemCount: Type.Integer(),
});

export const LocalLocationList = Type.Object({
  /** the local roots only (upstream's `/api/local/locations`) */
  locations: Type.Array(LocationView),
});

/** Raw bytes: Fastify sends Buffers and streams as they are, without a serializer. */
export const Bytes = Type.Unsafe<Uint8Array>({ type: 'string', format: 'binary' });
