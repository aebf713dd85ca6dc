/**
 * The upstream CMBCluster file key (`backend/file_encryption.py`): PBKDF2-HMAC-SHA256 of a passphrase with
 * the fixed salt `cmbcluster_file_salt`, 100 000 iterations, 32 bytes, base64url-encoded into a Fernet key.
 * Only the upstream importer needs it, to decrypt files written by the original system (spec 05, "Encryption").
 */
import { pbkdf2 } from 'node:crypto';
import { promisify } from 'node:util';
import { encodeBase64UrlPadded } from './strict-base64url.ts';

const pbkdf2Async = promisify(pbkdf2);

const UPSTREAM_SALT = 'cmbcluster_file_salt';
const UPSTREAM_ITERATIONS = 100_000;
const KEY_BYTES = 32;

/** Derives the Fernet key upstream CMBCluster used for a passphrase (async: 100k iterations block for a while). */
export async function deriveFernetKeyFromPassphrase(passphrase: string): Promise<string> {
  const key = await pbkdf2Async(passphrase, UPSTREAM_SALT, UPSTREAM_ITERATIONS, KEY_BYTES, 'sha256');
  return encodeBase64UrlPadded(key);
}
