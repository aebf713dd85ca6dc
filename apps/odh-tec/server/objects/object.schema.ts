import { type Static, Type } from 'typebox';

export const LocationQuery = Type.Object({
  /** a location id (`embedded`, `default` or a connection id); omitted → the default location */
  location: Type.Optional(
    Type.String({ minLength: 1, maxLength: 64, description: 'location id; default: `defaultLocationId`' }),
  ),
});

export const BucketParams = Type.Object({ bucketName: Type.String({ minLength: 1, maxLength: 255 }) });

/**
 * A bucket and an encoded key or prefix (spec `:encodedKey`, `:encodedPrefix`). The key is the route's wildcard: the
 * router caps named parameters at 100 characters, far below the base64 of a 1024-byte key, and raw standard base64 may
 * contain `/`.
 */
export const BucketKeyParams = Type.Object({
  bucketName: Type.String({ minLength: 1, maxLength: 255 }),
  /** base64url (or standard base64) of the UTF-8 key or prefix; `there_is_no_prefix` for the empty prefix */
  '*': Type.String({ minLength: 1, maxLength: 4096 }),
});
export type BucketKeyParams = Static<typeof BucketKeyParams>;

export const ListObjectsQuery = Type.Object({
  location: LocationQuery.properties.location,
  /** the previous page's nextContinuationToken */
  continuationToken: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  /** page size; keys and folders both count */
  maxKeys: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  /** search text (spec "Listing"); absent → a plain listing */
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
  /** `startsWith` (S3 prefix, case-sensitive) or `contains` (case-insensitive scan of the leaf names) */
  mode: Type.Optional(Type.Union([Type.Literal('startsWith'), Type.Literal('contains')])),
  /** rerun a `startsWith` search that found nothing as `contains` */
  autoBroaden: Type.Optional(Type.Boolean()),
});
export type ListObjectsQuery = Static<typeof ListObjectsQuery>;

export const BucketList = Type.Object({
  owner: Type.Union([Type.Object({ DisplayName: Type.String(), ID: Type.String() }), Type.Null()]),
  defaultBucket: Type.String(),
  /** ListBuckets was denied: only the default bucket is shown */
  listDenied: Type.Boolean(),
  buckets: Type.Array(Type.Object({ Name: Type.String(), CreationDate: Type.Optional(Type.String()) })),
});
export type BucketList = Static<typeof BucketList>;

/** Half-open UTF-16 ranges `[start, end)` into the leaf name, per key or prefix. */
const MatchRanges = Type.Record(Type.String(), Type.Array(Type.Array(Type.Integer(), { minItems: 2, maxItems: 2 })));

/** How a search page was produced (spec 01-odh-tec "Listing"). */
export const SearchFilter = Type.Object({
  q: Type.String(),
  mode: Type.Union([Type.Literal('startsWith'), Type.Literal('contains')]),
  /** the scan stopped at the page cap before the bucket end: more matches may follow */
  partialResult: Type.Boolean(),
  /** S3 pages read for this answer */
  scanPages: Type.Integer(),
  scanStoppedReason: Type.Union([
    Type.Literal('maxKeysReached'),
    Type.Literal('bucketExhausted'),
    Type.Literal('scanCap'),
  ]),
  autoBroaden: Type.Boolean(),
  /** the mode asked for; differs from `mode` when an empty `startsWith` was broadened */
  originalMode: Type.Union([Type.Literal('startsWith'), Type.Literal('contains')]),
  matches: Type.Object({ objects: MatchRanges, prefixes: MatchRanges }),
});
export type SearchFilter = Static<typeof SearchFilter>;

export const ObjectPage = Type.Object({
  objects: Type.Array(
    Type.Object({
      Key: Type.String(),
      LastModified: Type.Union([Type.String(), Type.Null()]),
      Size: Type.Number(),
      ETag: Type.Union([Type.String(), Type.Null()]),
      StorageClass: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  prefixes: Type.Array(Type.Object({ Prefix: Type.String() })),
  nextContinuationToken: Type.Union([Type.String(), Type.Null()]),
  isTruncated: Type.Boolean(),
  /** folder markers (`.s3keep`) left out of `objects` */
  hiddenCount: Type.Integer(),
  /** present for searches (`q`) */
  filter: Type.Optional(SearchFilter),
});
export type ObjectPage = Static<typeof ObjectPage>;

export const DeleteResult = Type.Object({ deleted: Type.Boolean(), count: Type.Integer() });
/** A folder delete still running after 10 s: a `delete_prefix` transfer to follow (spec "Delete"). */
export const DeleteStarted = Type.Object({ jobId: Type.String(), sseUrl: Type.String() });
export const CreatedFolder = Type.Object({ key: Type.String() });

export const CreateBucketBody = Type.Object(
  { bucketName: Type.String({ minLength: 1, maxLength: 255, description: 'S3 bucket name' }) },
  { additionalProperties: false },
);

export const BucketMessage = Type.Object({
  message: Type.String(),
  bucket: Type.Optional(Type.Object({ Name: Type.String() })),
});
