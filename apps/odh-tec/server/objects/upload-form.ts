import type { Multipart, MultipartFile } from '@fastify/multipart';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { FastifyRequest } from 'fastify';
import { assertValidKey, decodeKey, decodePrefix } from '../storage/key-codec.ts';

/** The form fields an upload reads before its `file` part (spec API row `POST /api/objects/upload/…`). */
export type UploadFields = { key?: string; relativePath?: string; size?: string; sha256?: string };

/** The query of the upload routes; `key` and `prefix` are base64url like every key in a URL. */
export type UploadQueryValues = {
  location?: string;
  key?: string;
  prefix?: string;
  jobId?: string;
  size?: number;
  sha256?: string;
};

export interface UploadForm {
  fields: UploadFields;
  file: MultipartFile;
  /** Reads what follows the file part; a second file part fails with `too_many_files`. */
  drain(): Promise<void>;
}

const FIELD_NAMES = new Set(['key', 'relativePath', 'size', 'sha256']);

const missingFile = () => new AppError(400, 'missing_file', 'the request needs one multipart part named `file`');

/** The next multipart part, with the plugin's limit errors given the spec's codes. */
async function nextPart(parts: AsyncIterableIterator<Multipart>): Promise<Multipart | undefined> {
  try {
    const next = await parts.next();
    return next.done ? undefined : next.value;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'FST_FILES_LIMIT') throw new AppError(400, 'too_many_files', 'send exactly one file part');
    if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new AppError(400, 'too_many_parts', 'the multipart body has too many parts');
    }
    throw error;
  }
}

/** Reads the fields up to the `file` part; the file's bytes stay unread so the upload streams them. */
export async function readUploadForm(request: FastifyRequest): Promise<UploadForm> {
  if (!request.isMultipart()) throw missingFile();
  const parts = request.parts();
  const fields: UploadFields = {};
  for (let part = await nextPart(parts); part; part = await nextPart(parts)) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file') throw missingFile();
      return {
        fields,
        file: part,
        drain: async () => {
          while (await nextPart(parts));
        },
      };
    }
    if (FIELD_NAMES.has(part.fieldname) && typeof part.value === 'string') {
      fields[part.fieldname as keyof UploadFields] = part.value;
    }
  }
  throw missingFile();
}

/** A browser's `webkitRelativePath`: relative, without `.` or `..` segments. */
function assertRelativePath(path: string): void {
  if (!path || path.startsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new AppError(400, 'invalid_path', 'relativePath must be relative without empty, . or .. segments');
  }
}

/**
 * The object key: the route's `:encodedKey`, else `key` (query, then field; base64url), else `prefix` joined with the
 * field `relativePath` or the part's file name (spec "Upload"); `there_is_no_prefix` is the bucket's top.
 */
export function resolveUploadKey(routeKey: string | undefined, query: UploadQueryValues, form: UploadForm): string {
  const encoded = routeKey ?? query.key ?? form.fields.key;
  if (encoded) return decodeKey(encoded);
  const leaf = form.fields.relativePath ?? form.file.filename;
  if (query.prefix === undefined || !leaf)
    throw new AppError(400, 'missing_key', 'give `key`, or `prefix` with a file name or `relativePath`');
  assertRelativePath(leaf);
  const prefix = decodePrefix(query.prefix);
  const key = prefix && !prefix.endsWith('/') ? `${prefix}/${leaf}` : `${prefix}${leaf}`;
  assertValidKey(key);
  return key;
}

/** The declared size (query, then field): a non-negative integer, or undefined when none was given. */
export function declaredSize(query: UploadQueryValues, fields: UploadFields): number | undefined {
  if (query.size !== undefined) return query.size;
  if (fields.size === undefined || fields.size === '') return undefined;
  const size = Number(fields.size);
  if (!/^\d+$/.test(fields.size) || !Number.isSafeInteger(size)) {
    throw new AppError(400, 'invalid_size', 'size must be a non-negative integer');
  }
  return size;
}

/** The declared SHA-256 (query, then field) as lower-case hex, or undefined. */
export function declaredSha256(query: UploadQueryValues, fields: UploadFields): string | undefined {
  const value = query.sha256 ?? fields.sha256;
  if (value === undefined || value === '') return undefined;
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new AppError(400, 'invalid_sha256', 'sha256 must be 64 hex digits');
  return value.toLowerCase();
}
