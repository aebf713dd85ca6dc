import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

/** A rule document (spec 02-opmas "Rule documents"); its structure is checked by the rule compiler, with rule codes. */
export const RuleDocumentBody = Type.Object(
  {
    id: Type.Optional(Type.String({ maxLength: 64, description: 'rule id, dotted lower case' })),
    domain: Type.Optional(Type.String({ maxLength: 64, description: 'agent domain' })),
    type: Type.Optional(Type.String({ description: 'trigger|threshold|leaky|metric|fact' })),
  },
  { additionalProperties: true, description: 'rule document as JSON or application/yaml' },
);

/** Live counters of a rule on this node plus its stored trigger history. */
export const RuleStatsView = Type.Object({
  enabled: Type.Boolean({ description: 'the rule runs' }),
  last_triggered: Nullable(Type.String({ description: 'last finding fire, ISO 8601' })),
  trigger_count: Type.Integer({ description: 'fires since creation' }),
  matches: Type.Integer({ description: 'matching events on this node since start' }),
  invalid_keys: Type.Integer({ description: 'matches dropped by typed validation on this node' }),
  fires: Type.Integer({ description: 'fires on this node since start' }),
  eval_ms: Type.Number({ description: 'evaluation time on this node since start, ms' }),
});

/** A stored rule. */
export const RuleView = Type.Object({
  id: Type.String({ description: 'rule id' }),
  version: Type.Integer({ description: 'increases with every save; send it as If-Match' }),
  domain: Type.String({ description: 'agent domain' }),
  type: Type.String({ description: 'engine type' }),
  enabled: Type.Boolean({ description: 'the rule runs' }),
  source: Type.String({ description: 'builtin or user' }),
  doc: Type.Record(Type.String(), Type.Unknown(), { description: 'the rule document' }),
  stats: RuleStatsView,
  warnings: Type.Array(
    Type.Object({
      code: Type.String({ description: 'regex_polynomial or regex_unchecked' }),
      pattern: Type.String({ description: 'where in the document' }),
    }),
    { description: 'accepted with a remark (save responses only)' },
  ),
  updated_at: Type.String({ description: 'last save, ISO 8601' }),
});
export type RuleView = Static<typeof RuleView>;

export const RuleList = Type.Object({
  items: Type.Array(RuleView, { description: 'rules ordered by id' }),
  next_cursor: Nullable(Type.String({ description: 'pass as cursor for the next page' })),
});

export const RuleListQuery = Type.Object({
  domain: Type.Optional(Type.String({ description: 'only this domain' })),
  enabled: Type.Optional(Type.Boolean({ description: 'only enabled or disabled rules' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'page size (50)' })),
  cursor: Type.Optional(Type.String({ description: 'next_cursor of the previous page' })),
});
export type RuleListQuery = Static<typeof RuleListQuery>;

export const RuleIdParams = Type.Object({ rule_id: Type.String({ maxLength: 64, description: 'rule id' }) });

export const RuleStatusChange = Type.Object({ enabled: Type.Boolean({ description: 'run the rule or not' }) });

export const RuleRollback = Type.Object({ version: Type.Integer({ minimum: 1, description: 'version to restore' }) });

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({ description: 'expected version; 412 version_conflict otherwise' })),
});

export const RuleVersionList = Type.Object({
  items: Type.Array(
    Type.Object({
      version: Type.Integer({ description: 'version number' }),
      doc: Type.Record(Type.String(), Type.Unknown(), { description: 'the document of that version' }),
      enabled: Type.Boolean({ description: 'enabled at that version' }),
      changed_by: Nullable(Type.String({ description: 'user id' })),
      changed_at: Type.String({ description: 'ISO 8601' }),
    }),
    { description: 'newest first' },
  ),
});
