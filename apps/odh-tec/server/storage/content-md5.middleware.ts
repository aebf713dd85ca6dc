import { createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';

/**
 * Adds `Content-MD5` to DeleteObjects. S3 requires an integrity header on it; SDK releases from 3.729.0 send only a CRC32
 * checksum, which MinIO releases, Ceph and other S3-compatible stores reject (aws/aws-sdk-js-v3 #6810, #6819; spec
 * 01-odh-tec "Delete": `Content-MD5` always added).
 */
export function addContentMd5ToDeleteObjects(client: S3Client): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (context.commandName === 'DeleteObjectsCommand' && request.headers && typeof request.body === 'string') {
        request.headers['content-md5'] = createHash('md5').update(request.body).digest('base64');
      }
      return next(args);
    },
    { step: 'build', name: 'odhTecContentMd5', override: true },
  );
}
