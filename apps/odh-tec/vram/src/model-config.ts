import { type DtypeSource, resolveWeightDtype, type WeightDtype } from './dtype.ts';
import { validationError } from './errors.ts';

/** Architecture families whose parameter count the spec defines exactly ("Parameter count", spec 01-odh-tec). */
export type ArchitectureFamily = 'llama' | 'gpt2' | 'bert' | 'unknown';

const LLAMA_FAMILY = new Set(['llama', 'mistral', 'mixtral', 'qwen2', 'qwen3', 'granite', 'phi3']);
const BERT_FAMILY = new Set(['bert', 'roberta', 'xlm-roberta']);

export function architectureFamily(modelType: string): ArchitectureFamily {
  if (LLAMA_FAMILY.has(modelType)) return 'llama';
  if (modelType === 'gpt2') return 'gpt2';
  if (BERT_FAMILY.has(modelType)) return 'bert';
  return 'unknown';
}

/** The dimensions every estimator needs, read from a Hugging Face `config.json` whatever its key spelling. */
export interface NormalisedModel {
  modelType: string;
  family: ArchitectureFamily;
  hidden: number;
  layers: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  /** Learned position embeddings (`n_positions ?? max_position_embeddings`); absent when the config has none. */
  positions?: number;
  typeVocab: number;
  tied: boolean;
  experts: number;
  expertsPerToken: number;
  attentionBias: boolean;
  mlpBias: boolean;
  dtype: WeightDtype;
  dtypeSource: DtypeSource;
  warnings: string[];
}

type RawConfig = Record<string, unknown>;

/** First key that is present and not null, as the spec's `a ?? b ?? c` chains read. */
function firstPresent(config: RawConfig, keys: readonly string[]): unknown {
  for (const key of keys) {
    const value = config[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

function positiveInteger(config: RawConfig, keys: readonly string[], fallback?: number): number {
  const value = firstPresent(config, keys) ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw validationError(keys.join('|'), value === undefined ? 'missing' : 'must be a positive integer');
  }
  return value;
}

function optionalPositiveInteger(config: RawConfig, keys: readonly string[]): number | undefined {
  return firstPresent(config, keys) === undefined ? undefined : positiveInteger(config, keys);
}

/** Normalises a parsed `config.json` per spec 01-odh-tec "Config normalisation"; throws `validation_failed` on bad dimensions. */
export function normaliseConfig(raw: unknown): NormalisedModel {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw validationError('config', 'must be an object');
  const config = raw as RawConfig;
  const modelType = typeof config.model_type === 'string' ? config.model_type : 'unknown';
  const hidden = positiveInteger(config, ['hidden_size', 'n_embd', 'd_model']);
  const layers = positiveInteger(config, ['num_hidden_layers', 'n_layer', 'num_layers']);
  const heads = positiveInteger(config, ['num_attention_heads', 'n_head']);
  const kvHeads = positiveInteger(
    config,
    ['num_key_value_heads', 'num_kv_heads'],
    config.multi_query === true ? 1 : heads,
  );
  const headDim = positiveInteger(config, ['head_dim'], hidden / heads);
  const intermediate = positiveInteger(config, ['intermediate_size', 'n_inner'], 4 * hidden);
  const experts = positiveInteger(config, ['num_local_experts', 'num_experts'], 1);
  const expertsPerToken = positiveInteger(config, ['num_experts_per_tok'], experts);
  if (expertsPerToken > experts) throw validationError('num_experts_per_tok', 'exceeds the number of experts');
  const { dtype, source, warnings } = resolveWeightDtype(config);
  const tied = firstPresent(config, ['tie_word_embeddings']);
  return {
    modelType,
    family: architectureFamily(modelType),
    hidden,
    layers,
    heads,
    kvHeads,
    headDim,
    intermediate,
    vocab: positiveInteger(config, ['vocab_size']),
    positions: optionalPositiveInteger(config, ['n_positions', 'max_position_embeddings']),
    typeVocab: positiveInteger(config, ['type_vocab_size'], 2),
    // GPT-2 configs omit the key although the LM head shares the embedding matrix.
    tied: typeof tied === 'boolean' ? tied : modelType === 'gpt2',
    experts,
    expertsPerToken,
    attentionBias: config.attention_bias === true,
    mlpBias: config.mlp_bias === true,
    dtype,
    dtypeSource: source,
    warnings,
  };
}

/** Bytes of K and V for one token across all layers: `2·L·KV·hd·bytes`. */
export function kvBytesPerToken(model: NormalisedModel, bytesPerValue: number): number {
  return 2 * model.layers * model.kvHeads * model.headDim * bytesPerValue;
}

export function kvBytesPerToken16bit(model: NormalisedModel): number {
  return kvBytesPerToken(model, 2);
}
