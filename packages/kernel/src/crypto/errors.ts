/**
 * Typed failures of the crypto module. Messages never carry key material, plaintext or the exact
 * point where authentication failed: callers get a stable `code` and, for tokens, a coarse reason.
 */

/**
 * Why a Fernet token was refused. Deliberately coarse: "signature" covers every MAC mismatch, so the
 * error cannot serve as an oracle for which bytes were wrong.
 */
export type InvalidTokenReason = 'encoding' | 'version' | 'length' | 'expired' | 'clock-skew' | 'signature' | 'padding';

/** A Fernet token that is malformed, expired, from too far in the future, or not authentic under any key. */
export class InvalidTokenError extends Error {
  readonly code = 'INVALID_TOKEN';
  readonly reason: InvalidTokenReason;

  constructor(reason: InvalidTokenReason) {
    super(`invalid Fernet token (${reason})`);
    this.name = 'InvalidTokenError';
    this.reason = reason;
  }
}

/** A Fernet key that is not 32 bytes of strict, padded base64url. The key itself is never echoed. */
export class InvalidKeyError extends Error {
  readonly code = 'INVALID_KEY';

  constructor(message = 'Fernet key must be 32 bytes of padded url-safe base64') {
    super(message);
    this.name = 'InvalidKeyError';
  }
}

/** Encrypted file data that failed authentication: tampered, reordered, truncated or extended. */
export class IntegrityError extends Error {
  readonly code = 'INTEGRITY_ERROR';
  /** The chunk whose authentication failed, when one can be named. */
  readonly chunkIndex: number | undefined;

  constructor(message: string, chunkIndex?: number) {
    super(message);
    this.name = 'IntegrityError';
    this.chunkIndex = chunkIndex;
  }
}
