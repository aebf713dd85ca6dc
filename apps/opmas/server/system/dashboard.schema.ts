import { type Static, Type } from 'typebox';

const Counts = (description: string) => Type.Record(Type.String(), Type.Integer(), { description });

/** spec 02-opmas "API" `GET /dashboard/stats`. */
export const DashboardStats = Type.Object({
  devices: Type.Object({
    total: Type.Integer({ description: 'registered devices' }),
    online: Type.Integer({ description: 'last seen within OPMAS_DEVICE_STALE_S' }),
    stale: Type.Integer({ description: 'last seen within OPMAS_DEVICE_OFFLINE_S' }),
    offline: Type.Integer({ description: 'not seen for longer (or never)' }),
  }),
  findings: Type.Object({
    open: Type.Integer({ description: 'findings new or investigating' }),
    by_severity: Counts('open findings per severity'),
    by_domain: Counts('open findings per domain'),
  }),
  ingest: Type.Object({
    rate_1m: Type.Number({ description: 'accepted messages per second over the last minute (this process)' }),
    rate_5m: Type.Number({ description: 'accepted messages per second over the last 5 minutes (this process)' }),
    drops_1m: Type.Integer({ description: 'messages dropped in the last minute (this process)' }),
  }),
  actions: Type.Object({
    pending: Type.Integer({ description: 'actions waiting for approval or queued' }),
    executed_24h: Type.Integer({ description: 'actions that ran to an end state in the last 24 h' }),
  }),
  decisions_active: Type.Integer({ description: 'active decisions (simulated included)' }),
});
export type DashboardStats = Static<typeof DashboardStats>;

export const ActivityKind = Type.Union(
  [
    Type.Literal('finding'),
    Type.Literal('action'),
    Type.Literal('decision'),
    Type.Literal('device'),
    Type.Literal('rule'),
  ],
  { description: 'what happened' },
);
export type ActivityKind = Static<typeof ActivityKind>;

export const ActivityItem = Type.Object({
  kind: ActivityKind,
  id: Type.String({ description: 'id of the finding, action, decision, device, or rule@version' }),
  at: Type.String({ description: 'when, ISO 8601' }),
  title: Type.String({ description: 'one-line summary' }),
  severity: Type.Optional(Type.String({ description: 'finding severity' })),
});
export type ActivityItem = Static<typeof ActivityItem>;

export const ActivityQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'items (20)' })),
});

export const ActivityFeed = Type.Object({ items: Type.Array(ActivityItem, { description: 'newest first' }) });
