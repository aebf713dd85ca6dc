import type { _Object } from '@aws-sdk/client-s3';

/** Folders are kept visible by an empty marker object, hidden from listings (spec 01-odh-tec M7). */
export const FOLDER_MARKER = '.s3keep';

/** Whether a key is a folder marker (`.s3keep`), which listings leave out and count in `hiddenCount`. */
export const isFolderMarker = (key: string): boolean => key === FOLDER_MARKER || key.endsWith(`/${FOLDER_MARKER}`);

/** One listed object in the upstream response shape. */
export const objectEntry = (object: _Object) => ({
  Key: object.Key ?? '',
  LastModified: object.LastModified?.toISOString() ?? null,
  Size: object.Size ?? 0,
  ETag: object.ETag ?? null,
  StorageClass: object.StorageClass ?? null,
});
