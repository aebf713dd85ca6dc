// In-progress multipart uploads: `<dir>/uploads/<id>/upload.json` plus one file and one JSON record per part.
// A part's data file carries a unique suffix so re-uploading a part number never overwrites bytes a reader or a
// concurrent Complete may be using; the JSON record says which file is current.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChecksumAlgorithm } from './checksums.ts';
import { moveInto, removeQuietly, uniqueName, writeJsonAtomic } from './fs-atomic.ts';
import { compareUtf8 } from './key-order.ts';
import { S3Error } from './s3-error.ts';

export interface PartMeta {
  partNumber: number;
  etag: string;
  size: number;
  lastModified: string;
  checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** Absolute path of the part's data. */
  file: string;
}

export interface Upload {
  id: string;
  bucket: string;
  key: string;
  initiated: string;
  contentType: string;
  userMetadata: Record<string, string>;
  systemHeaders: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  parts: Map<number, PartMeta>;
}

export type NewUpload = Omit<Upload, 'id' | 'initiated' | 'parts'>;

export class UploadStore {
  private readonly uploadsDir: string;
  private readonly tmpDir: string;
  private readonly uploads = new Map<string, Upload>();

  private readonly fsync: boolean;

  constructor(dir: string, tmpDir: string, fsync: boolean) {
    this.uploadsDir = join(dir, 'uploads');
    this.tmpDir = tmpDir;
    this.fsync = fsync;
  }

  async open(): Promise<void> {
    await mkdir(this.uploadsDir, { recursive: true });
    for (const id of await readdir(this.uploadsDir)) {
      const dir = join(this.uploadsDir, id);
      const record = await readFile(join(dir, 'upload.json'), 'utf8').catch(() => undefined);
      if (!record) continue;
      const upload = { ...(JSON.parse(record) as Omit<Upload, 'parts'>), parts: new Map<number, PartMeta>() };
      for (const file of await readdir(dir)) {
        if (!/^\d+\.json$/.test(file)) continue;
        const part = JSON.parse(await readFile(join(dir, file), 'utf8')) as PartMeta;
        upload.parts.set(part.partNumber, part);
      }
      this.uploads.set(id, upload);
    }
  }

  async create(init: NewUpload): Promise<Upload> {
    const upload: Upload = { ...init, id: uniqueName(), initiated: new Date().toISOString(), parts: new Map() };
    const { parts: _parts, ...record } = upload;
    await writeJsonAtomic(this.tmpDir, join(this.uploadsDir, upload.id, 'upload.json'), record, this.fsync);
    this.uploads.set(upload.id, upload);
    return upload;
  }

  get(bucket: string, key: string, id: string): Upload {
    const upload = this.uploads.get(id);
    if (!upload || upload.bucket !== bucket || upload.key !== key) throw new S3Error('NoSuchUpload');
    return upload;
  }

  /** Records a fully written part; replaces an earlier upload of the same part number. */
  async putPart(upload: Upload, part: Omit<PartMeta, 'file' | 'lastModified'>, tempFile: string): Promise<PartMeta> {
    const file = join(this.uploadsDir, upload.id, `${part.partNumber}.${uniqueName()}`);
    await moveInto(tempFile, file);
    if (!this.uploads.has(upload.id)) {
      await rm(file, { force: true });
      throw new S3Error('NoSuchUpload');
    }
    const meta: PartMeta = { ...part, file, lastModified: new Date().toISOString() };
    await writeJsonAtomic(this.tmpDir, join(this.uploadsDir, upload.id, `${part.partNumber}.json`), meta, this.fsync);
    const previous = upload.parts.get(part.partNumber);
    upload.parts.set(part.partNumber, meta);
    if (previous) await rm(previous.file, { force: true });
    return meta;
  }

  /** Forgets the upload; its directory goes too (after Complete has moved the part files it used). */
  async remove(upload: Upload): Promise<void> {
    this.uploads.delete(upload.id);
    await removeQuietly(join(this.uploadsDir, upload.id));
  }

  /** Uploads of a bucket ordered by key (UTF-8) then initiation time, as ListMultipartUploads returns them. */
  list(bucket: string): Upload[] {
    return [...this.uploads.values()]
      .filter((upload) => upload.bucket === bucket)
      .sort(
        (a, b) => compareUtf8(a.key, b.key) || (a.initiated < b.initiated ? -1 : a.initiated > b.initiated ? 1 : 0),
      );
  }
}
