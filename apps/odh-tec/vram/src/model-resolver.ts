import { VramError } from './errors.ts';
import { architectureFamily, kvBytesPerToken16bit, type NormalisedModel, normaliseConfig } from './model-config.ts';
import { countParameters } from './param-count.ts';

/** `config`: counted from config.json with the spec formula; `hf_api`: the Hub's `safetensors.total`. */
export type ParamSource = 'config' | 'hf_api';

export interface ResolvedModel extends NormalisedModel {
  paramsTotal: number;
  paramsActive: number;
  paramSource: ParamSource;
  /** The Hub's total, kept beside the config count when both exist. */
  hubParamsTotal?: number;
  kvBytesPerToken16bit: number;
}

export interface ResolveOptions {
  /** `safetensors.total` from the Hub model info, when the config came from the Hub. */
  hubParamsTotal?: number;
}

/**
 * Turns a raw `config.json` into the model the detailed estimator takes. Unknown `model_type` needs the Hub total,
 * else it is `unsupported_architecture` (spec 01-odh-tec "Parameter count"), also when its dimensions cannot be read.
 */
export function resolveModel(config: unknown, options: ResolveOptions = {}): ResolvedModel {
  const hubTotal = options.hubParamsTotal;
  if (hubTotal !== undefined && (!Number.isSafeInteger(hubTotal) || hubTotal <= 0)) {
    throw new VramError('validation_failed', 'hubParamsTotal: must be a positive integer', { field: 'hubParamsTotal' });
  }
  const model = readModel(config, hubTotal !== undefined);
  const counted = countParameters(model);
  const warnings = [...model.warnings];
  const base = { ...model, warnings, kvBytesPerToken16bit: kvBytesPerToken16bit(model) };
  if (counted) {
    if (hubTotal !== undefined && hubTotal !== counted.paramsTotal) warnings.push('param_count_differs_from_hub');
    return {
      ...base,
      ...counted,
      paramSource: 'config',
      ...(hubTotal !== undefined ? { hubParamsTotal: hubTotal } : {}),
    };
  }
  if (hubTotal === undefined) throw unsupported(model.modelType);
  // The Hub reports no split between experts, so the active count is the total.
  warnings.push('param_count_from_hub');
  return { ...base, paramsTotal: hubTotal, paramsActive: hubTotal, paramSource: 'hf_api', hubParamsTotal: hubTotal };
}

function readModel(config: unknown, hasHubTotal: boolean): NormalisedModel {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new VramError('validation_failed', 'config: must be an object', { field: 'config' });
  }
  const rawType = (config as { model_type?: unknown }).model_type;
  const modelType = typeof rawType === 'string' ? rawType : 'unknown';
  const known = architectureFamily(modelType) !== 'unknown';
  if (!known && !hasHubTotal) throw unsupported(modelType);
  try {
    return normaliseConfig(config);
  } catch (error) {
    // An unknown architecture may spell its dimensions differently: that is unsupported, not a malformed request.
    if (!known && error instanceof VramError) throw unsupported(modelType);
    throw error;
  }
}

function unsupported(modelType: string): VramError {
  return new VramError(
    'unsupported_architecture',
    `model_type "${modelType}" has no parameter formula and no Hub total`,
    {
      modelType,
    },
  );
}
