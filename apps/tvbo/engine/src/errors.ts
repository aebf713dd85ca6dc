/** Engine errors carry the machine-readable codes of spec 03-tvbo "Bad input" so the service can map them to HTTP. */
export class EngineError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
