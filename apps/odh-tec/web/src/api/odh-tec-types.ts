// Response shapes of the ODH-TEC routes the pages read (server schemas under apps/odh-tec/server/**/*.schema.ts).

export interface LocationView {
  id: string;
  name: string;
  type: 's3' | 'local' | 'embedded';
  available: boolean;
  readOnly: boolean;
  defaultBucket?: string;
}

export interface LocationList {
  defaultLocationId: string;
  locations: LocationView[];
}

export interface BucketList {
  defaultBucket: string;
  listDenied: boolean;
  buckets: { Name: string; CreationDate?: string }[];
}

export interface StoredObject {
  Key: string;
  LastModified: string | null;
  Size: number;
}

export interface ObjectPage {
  objects: StoredObject[];
  prefixes: { Prefix: string }[];
  nextContinuationToken: string | null;
  isTruncated: boolean;
}

export interface TransferProgress {
  totalFiles: number;
  completedFiles: number;
  failedFiles: number;
  skippedFiles: number;
  totalBytes: number;
  loadedBytes: number;
  percentage: number;
  bytesPerSecond?: number;
}

export type TransferStatus = 'queued' | 'active' | 'cancelling' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

export interface TransferView {
  jobId: string;
  kind: string;
  status: TransferStatus;
  source: unknown;
  destination: unknown;
  progress: TransferProgress;
  error?: { code: string; message: string };
  createdAt: string;
  finishedAt: string | null;
}

export interface TransferList {
  transfers: TransferView[];
  nextCursor: string | null;
}

export interface TransferStarted {
  jobId: string;
  sseUrl: string;
}

export interface ConnectionView {
  id: string;
  name: string;
  endpoint: string;
  region: string;
  accessKeyId: string;
  defaultBucket: string;
  forcePathStyle: boolean;
}

export interface ConnectionTestResult {
  ok: boolean;
  message: string;
  code?: string;
}

export interface SettingsView {
  connections: ConnectionView[];
  huggingface: { tokenSet: boolean; tokenHint: string; endpoint: string };
  maxConcurrentTransfers: number;
  maxFilesPerPage: number;
}

export interface DisclaimerView {
  disclaimer: { status: 'accepted' | 'unknown' };
}
