/** Weight and KV-cache storage types known to the estimator (spec 01-odh-tec, "Config normalisation"). */
export type WeightDtype = 'fp32' | 'fp16' | 'bf16' | 'fp8' | 'int8' | 'int4';

export const WEIGHT_DTYPES: readonly WeightDtype[] = ['fp32', 'fp16', 'bf16', 'fp8', 'int8', 'int4'];

const BYTES_PER_ELEMENT: Record<WeightDtype, number> = { fp32: 4, fp16: 2, bf16: 2, fp8: 1, int8: 1, int4: 0.5 };

export function bytesPerElement(dtype: WeightDtype): number {
  return BYTES_PER_ELEMENT[dtype];
}

export function isWeightDtype(value: unknown): value is WeightDtype {
  return typeof value === 'string' && (WEIGHT_DTYPES as readonly string[]).includes(value);
}

/** Which config key decided the weight dtype; `default` means none did and fp32 was assumed. */
export type DtypeSource = 'quantization_config' | 'torch_dtype' | 'dtype' | 'default';

const TORCH_DTYPES: Record<string, WeightDtype> = { float32: 'fp32', float16: 'fp16', bfloat16: 'bf16' };

export interface DtypeResolution {
  dtype: WeightDtype;
  source: DtypeSource;
  warnings: string[];
}

/**
 * Resolves the weight dtype of a Hugging Face `config.json`: a quantization config wins, then `torch_dtype`, then the
 * newer `dtype` key (transformers ≥ 4.56 writes `dtype` instead of `torch_dtype`); missing means fp32, as transformers loads it.
 */
export function resolveWeightDtype(config: Record<string, unknown>): DtypeResolution {
  const warnings: string[] = [];
  const quantized = quantizedDtype(config.quantization_config, warnings);
  if (quantized) return { dtype: quantized, source: 'quantization_config', warnings };
  for (const key of ['torch_dtype', 'dtype'] as const) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    const dtype = typeof value === 'string' ? TORCH_DTYPES[value] : undefined;
    if (dtype) return { dtype, source: key, warnings };
    warnings.push(`unknown_dtype:${String(value)}`);
  }
  return { dtype: 'fp32', source: 'default', warnings };
}

function quantizedDtype(raw: unknown, warnings: string[]): WeightDtype | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const quantization = raw as Record<string, unknown>;
  const method = quantization.quant_method;
  if (method === 'gptq' || method === 'awq') {
    if (quantization.bits === 4) return 'int4';
    if (quantization.bits === 8) return 'int8';
  } else if (method === 'fp8') {
    return 'fp8';
  } else if (method === 'bitsandbytes') {
    if (quantization.load_in_4bit === true) return 'int4';
    if (quantization.load_in_8bit === true) return 'int8';
  } else if (method === 'mxfp4') {
    return 'int4';
  }
  warnings.push(`unknown_quantization:${String(method)}`);
  return undefined;
}
