import { type Static, Type } from 'typebox';

/** One browsable location (spec 01-odh-tec "API", GET `/api/locations`). */
export const LocationView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Union([Type.Literal('s3'), Type.Literal('local'), Type.Literal('embedded')]),
  source: Type.Union([Type.Literal('env'), Type.Literal('db'), Type.Literal('builtin')]),
  available: Type.Boolean(),
  readOnly: Type.Boolean(),
  defaultBucket: Type.Optional(Type.String()),
  endpointHost: Type.Optional(Type.String()),
  usage: Type.Optional(Type.Object({ totalBytes: Type.Number(), freeBytes: Type.Number() })),
});
export type LocationView = Static<typeof LocationView>;

export const LocationList = Type.Object({
  /** used by object and bucket routes when `?location` is omitted */
  defaultLocationId: Type.String(),
  locations: Type.Array(LocationView),
});
export type LocationList = Static<typeof LocationList>;
