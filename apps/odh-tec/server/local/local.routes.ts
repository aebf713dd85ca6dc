import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ErrorResponse, errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { parseByteRange } from '../storage/byte-range.ts';
import { attachmentDisposition } from '../storage/content-disposition.ts';
import { decodePrefix } from '../storage/key-codec.ts';
import { previewContentType } from '../storage/preview-type.ts';
import { extensionPolicyFrom } from './extension-policy.ts';
import { LocalDriver } from './local.driver.ts';
import {
  Bytes,
  DirectoryCreated,
  ListQuery,
  LocalDeleteResult,
  LocalListingView,
  LocalLocationList,
  LocalPathParams,
  PREVIEW_LIMIT,
  PreviewQuery,
  UploadQuery,
  UploadResult,
} from './local.schema.ts';
import { localLocationViews, maxFileBytesOf, parseLocalRoots } from './local-roots.ts';

const tags = ['odh-tec local storage'];
const DEFAULT_PREVIEW_BYTES = 1024 * 1024;
/** Spec "Bad input and security": local uploads 20/min per user. */
const UPLOAD_RATE_LIMIT = {
  max: 20,
  timeWindow: '1 minute',
  keyGenerator: (request: FastifyRequest) => request.principal?.userId ?? request.ip,
};

const localErrorResponses = { 413: ErrorResponse, 416: ErrorResponse, 507: ErrorResponse };

const previewDefault = (env: Record<string, string | undefined>): number => {
  const configured = Number(env.ODH_TEC_PREVIEW_MAX_BYTES);
  return Number.isInteger(configured) && configured > 0 ? Math.min(configured, PREVIEW_LIMIT) : DEFAULT_PREVIEW_BYTES;
};

/** The `*` segment: base64url of the path, empty or `there_is_no_prefix` for the root. */
const decodeLocalPath = (wildcard: string): string => decodePrefix(wildcard === '' ? undefined : wildcard);

const missingFile = () => new AppError(400, 'missing_file', 'the request needs one multipart part named `file`');
const notAFile = () => new AppError(400, 'not_a_file', 'the path is not a regular file');

/** An uploaded file's name becomes one path segment: no separators, no dot names, no NUL. */
function assertFileName(name: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name)) {
    throw new AppError(400, 'invalid_file_name', 'the file name must be a single path segment');
  }
}

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

const contentLength = (request: FastifyRequest): number | undefined => {
  const value = Number(request.headers['content-length']);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
};

/** Streams one local file (or one byte range of it) with the object download's headers (spec "Download / preview"). */
async function sendFile(
  driver: LocalDriver,
  path: string,
  rangeHeader: string | undefined,
  method: string,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const info = await driver.stat(path);
  if (info.type !== 'file') throw notAFile();
  const range = parseByteRange(rangeHeader, info.size);
  if (range.kind === 'unsatisfiable') {
    reply.header('Content-Range', `bytes */${info.size}`);
    throw new AppError(416, 'invalid_range', `the range cannot be satisfied by a file of ${info.size} bytes`);
  }
  const modified = new Date(info.modified);
  reply
    .header('Content-Type', 'application/octet-stream')
    .header('Content-Disposition', attachmentDisposition(info.name))
    .header('Accept-Ranges', 'bytes')
    .header('ETag', `"${info.size.toString(16)}-${modified.getTime().toString(16)}"`)
    .header('Last-Modified', modified.toUTCString());
  const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, info.size - 1];
  if (range.kind === 'partial') reply.status(206).header('Content-Range', `bytes ${start}-${end}/${info.size}`);
  reply.header('Content-Length', String(info.size === 0 ? 0 : end - start + 1));
  if (method === 'HEAD' || info.size === 0) return reply.send();
  const { stream } = await driver.read(path, { start, end });
  return reply.send(stream);
}

/**
 * Local storage (spec 01-odh-tec M12): browse, upload, download, preview, delete and mkdir under the roots of
 * LOCAL_STORAGE_PATHS. The roots are shared by every holder of the objects permissions, like the built-in locations.
 */
export const localRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { env } = kernel.config;
  const maxFileBytes = maxFileBytesOf(env);
  const drivers = new Map(parseLocalRoots(env).map((root) => [root.id, new LocalDriver(root, { maxFileBytes })]));
  const assertExtensionAllowed = extensionPolicyFrom(env);
  const previewBytes = previewDefault(env);

  const driverOf = (locationId: string): LocalDriver => {
    const driver = drivers.get(locationId);
    if (!driver) throw new AppError(404, 'location_not_found', 'location not found');
    return driver;
  };

  // Encapsulated: only this plugin's routes parse multipart. The driver enforces MAX_FILE_SIZE_GB with its own code;
  // busboy's cap sits one byte above so a bigger file is refused by the driver, never silently truncated.
  await app.register(multipart, {
    limits: {
      files: 1,
      fields: 10,
      parts: 20,
      fileSize: maxFileBytes > 0 ? maxFileBytes + 1 : Number.POSITIVE_INFINITY,
    },
  });

  app.get(
    '/api/local/locations',
    {
      schema: {
        tags,
        summary: 'The local storage locations (upstream alias of GET /api/locations, local only)',
        response: { 200: LocalLocationList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      return { locations: await localLocationViews(env) };
    },
  );

  app.get(
    '/api/local/files/:locationId/*',
    {
      schema: {
        tags,
        summary: 'List a local directory (`*` = base64url path)',
        params: LocalPathParams,
        querystring: ListQuery,
        response: { 200: LocalListingView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      const driver = driverOf(request.params.locationId);
      const path = decodeLocalPath(request.params['*']);
      return driver.list(path, { limit: request.query.limit ?? 100, offset: request.query.offset ?? 0 });
    },
  );

  app.post(
    '/api/local/files/:locationId/*',
    {
      config: { rateLimit: UPLOAD_RATE_LIMIT },
      schema: {
        tags,
        summary: 'Upload one file (multipart part `file`) into the directory `*`',
        params: LocalPathParams,
        querystring: UploadQuery,
        response: { 201: UploadResult, ...errorResponses, ...localErrorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.objectsWrite);
      const driver = driverOf(request.params.locationId);
      const directory = decodeLocalPath(request.params['*']);
      if (!request.isMultipart()) throw missingFile();
      const parts = request.parts();
      let part = await nextPart(parts);
      while (part && part.type !== 'file') part = await nextPart(parts);
      if (part?.type !== 'file' || part.fieldname !== 'file') throw missingFile();
      assertFileName(part.filename);
      assertExtensionAllowed(part.filename);
      const file = part.file;
      const written = await driver.write(directory ? `${directory}/${part.filename}` : part.filename, file, {
        size: request.query.size ?? contentLength(request),
        overwrite: request.query.overwrite ?? false,
        beforeCommit: async () => {
          if (file.truncated) throw new AppError(413, 'file_too_large', 'the file exceeds MAX_FILE_SIZE_GB');
          // Read the rest of the body: a second file part fails here, before the first one becomes visible.
          while (await nextPart(parts));
        },
      });
      return reply.status(201).send({ message: 'File uploaded successfully', ...written });
    },
  );

  app.delete(
    '/api/local/files/:locationId/*',
    {
      schema: {
        tags,
        summary: 'Delete a file, symlink or directory tree',
        params: LocalPathParams,
        response: { 200: LocalDeleteResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsDelete);
      const driver = driverOf(request.params.locationId);
      const { itemCount } = await driver.delete(decodeLocalPath(request.params['*']));
      return { deleted: true as const, itemCount };
    },
  );

  app.post(
    '/api/local/directories/:locationId/*',
    {
      schema: {
        tags,
        summary: 'Create a directory (and missing parents)',
        params: LocalPathParams,
        response: { 201: DirectoryCreated, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.objectsWrite);
      const driver = driverOf(request.params.locationId);
      return reply.status(201).send(await driver.mkdir(decodeLocalPath(request.params['*'])));
    },
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/local/download/:locationId/*',
    schema: {
      tags,
      summary: 'Download a local file, whole or one byte range',
      params: LocalPathParams,
      response: { ...errorResponses, ...localErrorResponses },
    },
    handler: async (request, reply) => {
      request.authorize(PERMISSIONS.objectsRead);
      const driver = driverOf(request.params.locationId);
      const path = decodeLocalPath(request.params['*']);
      return sendFile(driver, path, request.headers.range, request.method, reply);
    },
  });

  app.get(
    '/api/local/view/:locationId/*',
    {
      schema: {
        tags,
        summary: 'Preview the first bytes of a local file',
        params: LocalPathParams,
        querystring: PreviewQuery,
        response: { 200: Bytes, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.objectsRead);
      const driver = driverOf(request.params.locationId);
      const path = decodeLocalPath(request.params['*']);
      const maxBytes = request.query.maxBytes ?? previewBytes;
      const info = await driver.stat(path);
      if (info.type !== 'file') throw notAFile();
      const chunks: Buffer[] = [];
      if (info.size > 0) {
        // Only the head is read: previews never pull a whole (possibly huge) file (spec M4).
        const { stream } = await driver.read(path, { start: 0, end: Math.min(maxBytes, info.size) - 1 });
        for await (const chunk of stream) chunks.push(chunk as Buffer);
      }
      const head = Buffer.concat(chunks);
      const truncated = info.size > head.length;
      return reply
        .header('Content-Type', previewContentType(path, head, truncated))
        .header('X-Object-Size', String(info.size))
        .header('X-Truncated', String(truncated))
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', 'sandbox')
        .send(head);
    },
  );
};
