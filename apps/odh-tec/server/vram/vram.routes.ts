import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import {
  CLASSIC_PRESETS,
  type ClassicModelConfig,
  type ClassicRunConfig,
  type DetailedRun,
  estimateClassic,
  estimateDetailed,
  type ResolvedModel,
  resolveModel,
  VramError,
} from '../../vram/src/index.ts';
import { HfClient } from '../hf/hf.client.ts';
import { validateModelId, validateRevision } from '../hf/hf-import.planner.ts';
import type { LocationService } from '../locations/location.service.ts';
import { withLocation } from '../objects/location-client.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { settingsServiceOf } from '../settings/settings.service.ts';
import { assertValidKey } from '../storage/key-codec.ts';
import { storageErrorResponses } from '../storage/storage-error.schema.ts';
import { assertBucketName } from '../storage/storage-names.ts';
import {
  type ConfigSource,
  ConfigSource as ConfigSourceSchema,
  EstimateBody,
  EstimateResult,
  PresetList,
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

/** config.json of a Hub repository (and the Hub's safetensors total, for architectures without a formula). */
async function readHubConfig(
  kernel: Kernel,
  source: { modelId: string; revision?: string },
): Promise<{ config: unknown; hubParamsTotal?: number }> {
  const settings = settingsServiceOf(kernel);
  const client = new HfClient({ endpoint: settings.hfEndpoint(), token: await settings.hfToken() });
  const info = await client.modelInfo(validateModelId(source.modelId), validateRevision(source.revision ?? 'main'));
  const file = await client.open(source.modelId, info.sha, 'config.json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file.body) {
    size += chunk.length;
    if (size > MAX_CONFIG_BYTES) {
      file.body.destroy();
      throw badRequest('the repository config.json is too large', undefined, 'invalid_config');
    }
    chunks.push(chunk as Buffer);
  }
  try {
    return { config: JSON.parse(Buffer.concat(chunks).toString('utf8')), hubParamsTotal: info.safetensorsTotal };
  } catch {
    throw badRequest('the repository config.json is not JSON', undefined, 'invalid_config');
  }
}

async function readConfig(locations: LocationService, request: FastifyRequest, source: ConfigSource): Promise<unknown> {
  if (source.type === 'inline') return source.config;
  if (source.type === 'hf') throw new Error('Hub sources are read by readHubConfig');
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
  kernel: Kernel,
  locations: LocationService,
  request: FastifyRequest,
  source: ConfigSource,
): Promise<ResolvedModel> {
  const { config, hubParamsTotal } =
    source.type === 'hf'
      ? await readHubConfig(kernel, source)
      : {
          config: await readConfig(locations, request, source),
          hubParamsTotal: source.type === 'inline' ? source.hubParamsTotal : undefined,
        };
  try {
    return resolveModel(config, { hubParamsTotal });
  } catch (error) {
    throw vramError(error);
  }
}

/** `/api/vram/*` over the VRAM library (spec 01-odh-tec M15). */
export const vramRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; locations: LocationService }> = async (
  app,
  { kernel, locations },
) => {
  app.get(
    '/api/vram/presets',
    {
      schema: {
        tags,
        summary: "The classic estimator's model presets",
        response: { 200: PresetList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.vramUse);
      return CLASSIC_PRESETS;
    },
  );

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
      return resolveSource(kernel, locations, request, request.body);
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
      const model = await resolveSource(kernel, locations, request, body.model);
      try {
        return estimateDetailed(model, body.run as unknown as DetailedRun);
      } catch (error) {
        throw vramError(error);
      }
    },
  );
};
