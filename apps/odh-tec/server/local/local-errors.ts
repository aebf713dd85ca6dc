import { AppError } from '@platform/kernel/http/errors.ts';

/** 404 for a local path that does not exist. */
export const fileNotFound = () => new AppError(404, 'file_not_found', 'no file or directory at this path');
/** 409 when the target exists and the request does not allow replacing it (spec "Bad input and security"). */
export const fileExists = () => new AppError(409, 'file_exists', 'a file or directory already exists at this path');
/** 507 when the filesystem cannot hold the upload (spec "Local storage"). */
export const insufficientStorage = (message = 'not enough free space on the local storage') =>
  new AppError(507, 'insufficient_storage', message);

/** Filesystem errors as the spec's error codes; anything unexpected stays a 500. */
export function localFsError(error: unknown): Error {
  if (error instanceof AppError) return error;
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return fileNotFound();
    case 'EEXIST':
    case 'EISDIR':
    case 'ENOTEMPTY':
      return fileExists();
    case 'ELOOP':
      return new AppError(403, 'path_outside_root', 'the path leads outside the storage root');
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return new AppError(403, 'storage_access_denied', 'the local storage denied access to this path');
    case 'ENOTDIR':
      return new AppError(400, 'not_a_directory', 'a component of the path is not a directory');
    case 'ENAMETOOLONG':
      return new AppError(400, 'invalid_path', 'the path is too long for the local filesystem');
    case 'ENOSPC':
    case 'EDQUOT':
      return insufficientStorage();
    default:
      return error as Error;
  }
}
