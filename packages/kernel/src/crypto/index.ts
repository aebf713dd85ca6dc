/** The kernel's crypto: Fernet and key rotation for secrets at rest, chunked AES-256-GCM for files. */
export {
  CHUNK_SIZE,
  type CipherHeader,
  type CipherRange,
  chunkAad,
  chunkCount,
  chunkNonce,
  ciphertextLength,
  ciphertextRangeFor,
  DATA_KEY_LENGTH,
  parseCipherHeader,
  plaintextLength,
  TAG_LENGTH,
  wholeFileRange,
} from './chunk-layout.ts';
export { IntegrityError, InvalidKeyError, InvalidTokenError, type InvalidTokenReason } from './errors.ts';
export {
  type DecryptedToken,
  Fernet,
  type FernetDecryptOptions,
  type FernetEncryptOptions,
  generateKey,
  keyFingerprint,
  MAX_CLOCK_SKEW_SECONDS,
} from './fernet.ts';
export {
  createFileDecryptor,
  createFileEncryption,
  createRangeDecryptor,
  type FileEncryption,
  type KeyWrapper,
  openChunk,
  type StoredFile,
  unwrapDataKey,
} from './file-cipher.ts';
export { type DecryptedWithKey, MultiFernet } from './multi-fernet.ts';
export { deriveFernetKeyFromPassphrase } from './passphrase-key.ts';
