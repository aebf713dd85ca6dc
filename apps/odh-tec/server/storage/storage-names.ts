import { AppError } from '@platform/kernel/http/errors.ts';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * S3 bucket naming rules (spec 01-odh-tec "Keys and names"): 3–63 of `[a-z0-9.-]`, alphanumeric at both ends, no `..`,
 * `.-` or `-.`, not an IPv4 address, not `xn--…` or `…-s3alias`. Dotted names such as `my.bucket` are valid.
 */
export function isValidBucketName(name: string): boolean {
  return (
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !/\.\.|\.-|-\./.test(name) &&
    !IPV4.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias')
  );
}

export function assertBucketName(name: string): void {
  if (!isValidBucketName(name)) throw new AppError(400, 'invalid_bucket_name', `invalid bucket name: ${name}`);
}

/** Folder names: any UTF-8 except `/` and control characters, not `.` or `..`, at most 255 bytes. */
export function assertFolderName(name: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  const valid = name !== '' && name !== '.' && name !== '..' && !/[/\u0000-\u001f\u007f]/.test(name);
  if (!valid || Buffer.byteLength(name, 'utf8') > 255) {
    throw new AppError(
      400,
      'invalid_folder_name',
      'folder names are 1–255 bytes without `/` or control characters, not `.` or `..`',
    );
  }
}
