import type { ActionRow } from '../orchestrator/orchestrator.tables.ts';
import type { ExportedAction } from './action-export.schema.ts';
import { type CsvCell, toCsv } from './csv.ts';

const iso = (value: Date | null) => value?.toISOString() ?? null;

/** One action as exported. */
export function presentExportedAction(row: ActionRow): ExportedAction {
  return {
    id: row.id,
    created_at: row.createdAt.toISOString(),
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
    status: row.status,
    mode: row.mode,
    device: row.device,
    device_id: row.deviceId,
    finding_id: row.findingId,
    execution_id: row.executionId,
    template_id: row.templateId,
    rendered_command: row.renderedCommand,
    exit_code: row.exitCode,
    error_code: row.errorCode,
    reason: row.reason,
  };
}

const COLUMNS: (keyof ExportedAction)[] = [
  'id',
  'created_at',
  'started_at',
  'completed_at',
  'status',
  'mode',
  'device',
  'device_id',
  'finding_id',
  'execution_id',
  'template_id',
  'rendered_command',
  'exit_code',
  'error_code',
  'reason',
];

/** The exported actions as CSV with a header row. */
export function actionsCsv(items: ExportedAction[]): string {
  return toCsv(
    COLUMNS,
    items.map((item) => COLUMNS.map((column) => item[column] as CsvCell)),
  );
}
