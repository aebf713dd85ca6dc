export type { ChecksumAlgorithm } from './checksums.ts';
export type { Fault, S3Switches } from './s3-context.ts';
export { DEFAULT_SWITCHES } from './s3-context.ts';
export { S3Error } from './s3-error.ts';
export {
  createS3Handler,
  type RunningS3Server,
  type S3Handler,
  type S3ServerOptions,
  startS3Server,
} from './s3-server.ts';
export type { Credential } from './sigv4.ts';
export type { RequestLogEntry, S3Stats } from './stats.ts';
