import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest } from '@platform/kernel/http/errors.ts';
import type { FastifyRequest } from 'fastify';
import {
  type ClassicModelConfig,
  type ClassicRunConfig,
  type DetailedRun,
  estimateClassic,
  estimateDetailed,
  type ResolvedModel,
  resolveModel,
  VramError,
} from '../../vram/src/index.ts';
import type { LocationService } from '../locations/location.service.ts';
import { withLocation } from '../objects/location-client.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { assertValidKey } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import {
  type ConfigSource,
  ConfigSource as ConfigSourceSchema,
  EstimateBody,
  EstimateResult,
  ResolvedModelView,
} from './vram.schema.ts';

/** A config.json is a few KiB; anything near this is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;
const tags = ['odh-tec vram'];

/** The estimator's own failures, mapped as spec 01-odh-tec's error table says (422 unsupported, 400 bad input). */
function vramError(error: unknown): unknown {
  if (!(error instanceof VramError)) return error;
  return new AppError(error.code === 'unsupported_architecture' ? 422 : 400, error.code, error.message, error.details);
}

async function readConfig(locations: LocationService, request: FastifyRequest, source: ConfigSource): Promise<unknown> {
  if (source.type === 'inline') return source.config;
  assertBucketName(source.bucket);
  assertValidKey(source.key);
  const text = await withLocation(locations, request, PERMISSIONS.objectsRead, source.locationId, async (client) => {
    const answer = await client.send(
      new GetObjectCommand({ Bucket: source.bucket, Key: source.key, Range: `bytes=0-${MAX_CONFIG_BYTES}` }),
    );
    const body = await answer.Body!.transformToString('utf-8');
    if (Buffer.byteLength(body) > MAX_CONFIG_BYTES)
      throw badRequest('the object is too large for a config.json', undefined, 'invalid_config');
    return body;
  });
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('the object is not JSON', undefined, 'invalid_config');
  }
}

async function resolveSource(
  locations: LocationService,
  request: FastifyRequest,
  source: ConfigSource,
): Promise<ResolvedModel> {
  const config = await readConfig(locations, request, source);
  try {
    return resolveModel(config, { hubParamsTotal: source.type === 'inline' ? source.hubParamsTotal : undefined });
  } catch (error) {
    throw vramError(error);
  }
}

/** `/api/vram/*` over the VRAM library (spec 01-odh-tec M15). */
export const vramRoutes: FastifyPluginAsyncTypebox<{ locations: LocationService }> = async (app, { locations }) => {
  app.post(
    '/api/vram/model-config',
    {
      schema: {
        tags,
        summary: 'Normalise a config.json and count its parameters',
        body: ConfigSourceSchema,
        response: { 200: ResolvedModelView, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.vramUse);
      return resolveSource(locations, request, request.body);
    },
  );

  app.post(
    '/api/vram/estimate',
    {
      schema: {
        tags,
        summary: 'Estimate GPU memory: classic (upstream parity) or detailed',
        body: EstimateBody,
        response: { 200: EstimateResult, ...errorResponses, ...storageErrorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.vramUse);
      const body = request.body;
      if (body.mode === 'classic') {
        try {
          return estimateClassic(
            body.model as unknown as ClassicModelConfig,
            body.run as unknown as ClassicRunConfig,
            body.unit,
          );
        } catch (error) {
          throw vramError(error);
        }
      }
      const model = await resolveSource(locations, request, body.model);
      try {
        return estimateDetailed(model, body.run as unknown as DetailedRun);
      } catch (error) {
        throw vramError(error);
      }
    },
  );
};
