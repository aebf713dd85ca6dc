import { type Static, Type } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const ExportQuery = Type.Object({
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('json')], { description: 'csv (default) or json' }),
  ),
});

/** One exported action (spec 02-opmas "API" `GET /actions/export`). */
export const ExportedAction = Type.Object({
  id: Type.String({ description: 'action id' }),
  created_at: Type.String({ description: 'ISO 8601' }),
  started_at: Nullable(Type.String({ description: 'ISO 8601' })),
  completed_at: Nullable(Type.String({ description: 'ISO 8601' })),
  status: Type.String({ description: 'action status' }),
  mode: Type.String({ description: 'observe, dry_run or execute' }),
  device: Nullable(Type.String({ description: 'device slug' })),
  device_id: Nullable(Type.String({ description: 'device id' })),
  finding_id: Nullable(Type.String({ description: 'finding that led to it' })),
  execution_id: Nullable(Type.String({ description: 'playbook execution' })),
  template_id: Type.String({ description: 'command template' }),
  rendered_command: Nullable(Type.String({ description: 'command line sent (or that would be sent)' })),
  exit_code: Nullable(Type.Integer({ description: 'remote exit status' })),
  error_code: Nullable(Type.String({ description: 'why it failed or was refused' })),
  reason: Nullable(Type.String({ description: 'why it was requested' })),
});
export type ExportedAction = Static<typeof ExportedAction>;

export const ActionExport = Type.Object({ items: Type.Array(ExportedAction, { description: 'oldest first' }) });
