import { type Static, Type } from 'typebox';

export const JobStatus = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('cancelled'),
    Type.Literal('dead'),
  ],
  { description: 'queued → running → succeeded | failed (permanent error) | cancelled | dead (retries exhausted)' },
);
export type JobStatus = Static<typeof JobStatus>;

export const JobProgress = Type.Object({
  /** units done so far (bytes, items, steps) */
  current: Type.Number({ description: 'units done so far' }),
  /** total units, when known */
  total: Type.Union([Type.Number(), Type.Null()], { description: 'total units, when known' }),
  /** what is happening now */
  message: Type.Union([Type.String(), Type.Null()], { description: 'what is happening now' }),
});
export type JobProgress = Static<typeof JobProgress>;

export const JobView = Type.Object({
  /** job id */
  id: Type.String({ format: 'uuid', description: 'job id' }),
  /** queue, `<app>.<job>` */
  queue: Type.String({ description: 'queue name, <app>.<job>' }),
  /** what people see: the job's title, else its queue */
  name: Type.String({ description: 'title, or the queue when untitled' }),
  status: JobStatus,
  /** attempts made so far */
  attempts: Type.Integer({ description: 'attempts made so far' }),
  /** attempts before the job is dead-lettered */
  maxAttempts: Type.Integer({ description: 'attempts before dead-lettering' }),
  progress: Type.Union([JobProgress, Type.Null()]),
  /** last error message */
  error: Type.Union([Type.String(), Type.Null()], { description: 'last error message' }),
  /** the handler's result */
  result: Type.Unknown({ description: "the handler's result" }),
  /** who started the job */
  ownerId: Type.Union([Type.String(), Type.Null()], { description: 'user who started the job' }),
  /** creation time */
  createdAt: Type.String({ description: 'ISO time created' }),
  /** when it first started */
  startedAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO time first started' }),
  /** when it ended */
  finishedAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO time ended' }),
});
export type JobView = Static<typeof JobView>;
