import { type Static, Type } from 'typebox';

/** How to reach one S3-compatible endpoint. Secrets are write-only: APIs never return them. */
export const ObjectStoreEndpoint = Type.Object({
  /** endpoint URL; unset means AWS itself for the region */
  endpoint: Type.Optional(Type.String({ pattern: '^https?://', description: 'endpoint URL; unset for AWS' })),
  /** signing region */
  region: Type.String({ minLength: 1, default: 'us-east-1', description: 'signing region' }),
  /** access key id */
  accessKeyId: Type.String({ minLength: 1, description: 'access key id' }),
  /** secret access key (write-only) */
  secretAccessKey: Type.String({ minLength: 1, description: 'secret access key' }),
  /** temporary session token (write-only) */
  sessionToken: Type.Optional(Type.String({ description: 'session token' })),
  /** path-style addressing (MinIO, Ceph, the embedded server); virtual-host style otherwise */
  forcePathStyle: Type.Boolean({ default: true, description: 'path-style bucket addressing' }),
  /** when_required for stores that reject the SDK's default checksums (R2, older MinIO, Ceph) */
  checksumMode: Type.Union([Type.Literal('when_supported'), Type.Literal('when_required')], {
    default: 'when_supported',
    description: 'request and response checksum policy',
  }),
  /** UNSIGNED-PAYLOAD: skip hashing bodies for SigV4 (an in-process loopback store; integrity comes from the caller's own digests) */
  unsignedPayload: Type.Boolean({ default: false, description: 'sign requests without hashing their bodies' }),
  /** HTTP(S) proxy for this endpoint only */
  proxyUrl: Type.Optional(Type.String({ pattern: '^https?://', description: 'proxy URL for this endpoint' })),
  /** extra trusted CA certificates (PEM) for this endpoint */
  caBundle: Type.Optional(Type.String({ description: 'PEM CA bundle' })),
  /** TCP connect timeout */
  connectTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'connect timeout in ms' }),
  /** idle socket timeout per request */
  requestTimeoutMs: Type.Integer({ minimum: 1000, default: 300_000, description: 'socket idle timeout in ms' }),
  /** attempts per request, including the first */
  maxAttempts: Type.Integer({ minimum: 1, maximum: 20, default: 3, description: 'attempts per request' }),
  /** parallel sockets to this endpoint */
  maxSockets: Type.Integer({ minimum: 1, maximum: 1024, default: 64, description: 'parallel sockets' }),
});
export type ObjectStoreEndpoint = Static<typeof ObjectStoreEndpoint>;
