import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Value } from 'typebox/value';
import { badRequest } from '../http/errors.ts';
import { ObjectStoreEndpoint } from './object-storage.schema.ts';

export type ObjectStoreEndpointInput = Partial<ObjectStoreEndpoint> &
  Pick<ObjectStoreEndpoint, 'accessKeyId' | 'secretAccessKey'>;

/** Completes and validates endpoint settings; a bad value is a 400 naming the field, never a crash later. */
export function resolveEndpoint(input: ObjectStoreEndpointInput): ObjectStoreEndpoint {
  const settings = Value.Default(ObjectStoreEndpoint, structuredClone(input)) as ObjectStoreEndpoint;
  const errors = [...Value.Errors(ObjectStoreEndpoint, settings)];
  if (errors.length) {
    const fields = errors.map((error) => `${error.instancePath.replace(/^\//, '') || '(settings)'}: ${error.message}`);
    throw badRequest(
      `invalid object store settings: ${[...new Set(fields)].join('; ')}`,
      undefined,
      'invalid_endpoint',
    );
  }
  return settings;
}

/**
 * An S3 client for one endpoint with its own agent: its proxy, CA bundle, timeouts and retries apply to that endpoint
 * alone, unlike process-wide environment variables. `when_required` checksums keep the AWS SDK (which since early 2025
 * sends CRC checksums by default) working against stores that reject them.
 */
export function createObjectStorageClient(input: ObjectStoreEndpointInput): S3Client {
  const settings = resolveEndpoint(input);
  const agentOptions = {
    keepAlive: true,
    maxSockets: settings.maxSockets,
    // Node's agent-level proxy support: requests to this endpoint go through this proxy and no other.
    proxyEnv: settings.proxyUrl ? { HTTP_PROXY: settings.proxyUrl, HTTPS_PROXY: settings.proxyUrl } : undefined,
  };
  const httpsAgent = new HttpsAgent({
    ...agentOptions,
    ca: settings.caBundle ? [...rootCertificates, settings.caBundle] : undefined,
  });
  const client = new S3Client({
    endpoint: settings.endpoint,
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
      sessionToken: settings.sessionToken,
    },
    requestChecksumCalculation: settings.checksumMode === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    responseChecksumValidation: settings.checksumMode === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED',
    maxAttempts: settings.maxAttempts,
    requestHandler: new NodeHttpHandler({
      httpAgent: new HttpAgent(agentOptions),
      httpsAgent,
      connectionTimeout: settings.connectTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
    }),
  });
  if (settings.unsignedPayload) {
    // SigV4 takes a preset x-amz-content-sha256 as the payload hash, so the body is never read twice for signing.
    client.middlewareStack.add(
      (next) => (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers) request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
        return next(args);
      },
      { step: 'build', name: 'unsignedPayload' },
    );
  }
  return client;
}
