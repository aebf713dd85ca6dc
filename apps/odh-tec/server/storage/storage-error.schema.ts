import { ErrorResponse } from '@platform/kernel/http/error-shape.schema.ts';

/** Statuses a route reaching S3 may answer besides the kernel's 4xx set (spec 01-odh-tec "Bad input and security"). */
export const storageErrorResponses = {
  502: ErrorResponse,
  504: ErrorResponse,
};
