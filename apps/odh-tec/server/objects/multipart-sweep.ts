import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';

/** Tolerated difference between this process's clock and the storage's `Initiated` times. */
const CLOCK_SKEW_MS = 5000;
/** A CreateMultipartUpload still in flight when a write failed has answered by then. */
const SETTLE_MS = 1000;

async function abortStarted(client: S3Client, bucket: string, key: string, since: number): Promise<void> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  for (const upload of listed.Uploads ?? []) {
    if (upload.Key !== key || (upload.Initiated?.getTime() ?? 0) < since - CLOCK_SKEW_MS) continue;
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }))
      .catch(() => {});
  }
}

/**
 * Aborts the multipart uploads of `key` started since `since` after a failed or cancelled write (spec "Upload":
 * cancel → AbortMultipartUpload). lib-storage aborts only the upload whose id it kept; when two of its part uploaders
 * start at once, each sends a CreateMultipartUpload and the other upload would stay behind. Checked twice: now, and
 * once in-flight creates have answered. Best effort: a storage that refuses the listing keeps its leftovers.
 */
export async function abortLeftoverUploads(client: S3Client, bucket: string, key: string, since: number) {
  try {
    await abortStarted(client, bucket, key, since);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    await abortStarted(client, bucket, key, since);
  } catch {
    // The listing is optional for the caller's answer; the storage's own lifecycle rules remain the backstop.
  }
}
