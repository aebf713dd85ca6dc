import type { NormalisedModel } from './model-config.ts';

export interface ParamCount {
  paramsTotal: number;
  /** Parameters touched per token: differs from the total only for mixture-of-experts models. */
  paramsActive: number;
}

/**
 * Exact parameter count per spec 01-odh-tec "Parameter count": decoders as their `…ForCausalLM` class, encoders as the
 * base model including the pooler. Returns undefined for families the spec gives no formula for.
 */
export function countParameters(model: NormalisedModel): ParamCount | undefined {
  switch (model.family) {
    case 'llama':
      return countLlamaFamily(model);
    case 'gpt2': {
      const total = gpt2Count(model);
      return { paramsTotal: total, paramsActive: total };
    }
    case 'bert': {
      const total = bertCount(model);
      return { paramsTotal: total, paramsActive: total };
    }
    default:
      return undefined;
  }
}

function countLlamaFamily(model: NormalisedModel): ParamCount {
  const { hidden: H, heads: A, kvHeads: KV, headDim: hd, intermediate: I, experts: E, layers: L, vocab: V } = model;
  let attention = H * A * hd + 2 * H * KV * hd + A * hd * H;
  // Qwen2 always carries q/k/v biases; `attention_bias` adds them (and the output bias) elsewhere.
  const qkvBias = A * hd + 2 * KV * hd;
  if (model.modelType.startsWith('qwen2')) attention += qkvBias;
  if (model.attentionBias) attention += qkvBias + H;
  if (model.modelType === 'qwen3') attention += 2 * hd;
  const expert = 3 * H * I + (model.mlpBias ? 2 * I + H : 0);
  const norms = 2 * H;
  const embeddings = V * H * (model.tied ? 1 : 2);
  const layerWith = (experts: number): number => {
    const mlp = E > 1 ? experts * expert + H * E : expert;
    return attention + mlp + norms;
  };
  return {
    paramsTotal: embeddings + L * layerWith(E) + H,
    paramsActive: embeddings + L * layerWith(model.expertsPerToken) + H,
  };
}

/** One GPT-2/BERT block: Q,K,V,O (4H² + 4H), MLP (2HI + I + H), two layer norms (4H). */
function postNormBlock(H: number, I: number): number {
  return 4 * H * H + 2 * H * I + 9 * H + I;
}

function gpt2Count(model: NormalisedModel): number {
  const { hidden: H, intermediate: I, layers: L, vocab: V } = model;
  const positions = model.positions ?? 0;
  return V * H + positions * H + L * postNormBlock(H, I) + 2 * H;
}

function bertCount(model: NormalisedModel): number {
  const { hidden: H, intermediate: I, layers: L, vocab: V, typeVocab: T } = model;
  const positions = model.positions ?? 0;
  return (V + positions + T) * H + 2 * H + L * postNormBlock(H, I) + H * H + H;
}
