import { createHash, randomBytes } from 'node:crypto';

/** A random URL-safe secret (256 bits by default). */
export const randomSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/** Secrets are stored only as this digest; a leaked table grants nothing. */
export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** API tokens carry a recognisable prefix so that secret scanners and log scrubbing can find them. */
export const API_TOKEN_PREFIX = 'plt_';
export const newApiToken = (): string => `${API_TOKEN_PREFIX}${randomSecret(32)}`;
/** What the UI shows of a token after creation. */
export const displayPrefix = (token: string): string => token.slice(0, API_TOKEN_PREFIX.length + 6);
