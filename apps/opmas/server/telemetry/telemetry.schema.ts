import { type Static, Type } from 'typebox';

/** `POST /api/v1/telemetry` query (spec 02-opmas "API"). */
export const TelemetryQuery = Type.Object({
  device: Type.String({ pattern: '^[a-z0-9_-]{1,64}$', description: 'slug of the device the samples belong to' }),
});
export type TelemetryQuery = Static<typeof TelemetryQuery>;

/** Prometheus text exposition format 0.0.4. */
export const TelemetryBody = Type.String({ description: 'Prometheus text format 0.0.4 (≤ 1 MiB)' });

export const TelemetryAccepted = Type.Object({
  accepted: Type.Integer({ description: 'samples handed to the metric rules' }),
  rejected: Type.Integer({ description: 'malformed lines plus samples of series not accepted' }),
  errors: Type.Array(
    Type.Object({
      line: Type.Integer({ description: '1-based line number' }),
      code: Type.String({ description: 'why the line was rejected' }),
    }),
    { description: 'at most 100 rejected lines' },
  ),
});
export type TelemetryAccepted = Static<typeof TelemetryAccepted>;
