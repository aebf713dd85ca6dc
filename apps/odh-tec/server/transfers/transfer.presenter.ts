import { fileView } from './transfer.engine.ts';
import type { TransferView } from './transfer.schema.ts';
import type { TransferFileRow, TransferRow } from './transfer.tables.ts';

/** The job view of the API (secrets and internal ids left out). */
export function presentTransfer(row: TransferRow, files?: TransferFileRow[]): TransferView {
  const percentage = row.totalBytes > 0 ? Math.min(100, Math.round((row.loadedBytes / row.totalBytes) * 1000) / 10) : 0;
  return {
    jobId: row.id,
    kind: row.kind,
    status: row.status,
    source: row.source,
    destination: row.destination,
    progress: {
      totalFiles: row.totalFiles,
      completedFiles: row.completedFiles,
      failedFiles: row.failedFiles,
      skippedFiles: row.skippedFiles,
      totalBytes: row.totalBytes,
      loadedBytes: row.loadedBytes,
      percentage: row.status === 'completed' ? 100 : percentage,
    },
    ...(row.errorCode ? { error: { code: row.errorCode, message: row.errorMessage ?? '' } } : {}),
    createdAt: row.createdAt.toISOString(),
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    ...(files ? { files: files.map(fileView) } : {}),
  };
}
