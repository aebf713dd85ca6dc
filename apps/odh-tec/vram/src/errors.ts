/**
 * Machine-readable failures of the estimator, matching the error table of spec 01-odh-tec
 * ("VRAM: unsupported architecture; non-positive inputs" → 422 `unsupported_architecture`, 400 `validation_failed`),
 * so the server can map them to HTTP without parsing messages.
 */
export type VramErrorCode = 'unsupported_architecture' | 'validation_failed';

export class VramError extends Error {
  readonly code: VramErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: VramErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'VramError';
    this.code = code;
    this.details = details;
  }
}

export function validationError(field: string, message: string): VramError {
  return new VramError('validation_failed', `${field}: ${message}`, { field });
}

export function requirePositiveInteger(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw validationError(field, 'must be a positive integer');
  }
  return value;
}

export function requirePositiveNumber(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw validationError(field, 'must be a positive number');
  }
  return value;
}
