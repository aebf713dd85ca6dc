import type { ClassicPreset, ClassicPresetList, ClassicRunConfig } from './classic.ts';

type Dims = [layers: number, vocab: number, hidden: number, intermediate: number, heads: number, kvHeads: number];

/**
 * The classic estimator's model list: architecture dimensions from each model's published `config.json`, and the
 * parameter count (billions) from the model's own card or weights index where known — upstream hand-typed some
 * counts (e.g. 7.51 B for Mistral-7B, whose weights hold 7.24 B), so classic figures for those presets differ from
 * upstream by that correction; the estimator formula itself is upstream-exact.
 */
const entries: [label: string, billions: number, dims: Dims][] = [
  ['ibm-granite/granite-3b-code-instruct', 3.483, [32, 49152, 2560, 10240, 32, 32]],
  ['ibm-granite/granite-8b-code-instruct', 8.055, [36, 49152, 4096, 14336, 32, 8]],
  ['ibm-granite/granite-20b-code-instruct', 20, [52, 49152, 6144, 24576, 48, 1]],
  ['ibm-granite/granite-34b-code-instruct', 34, [88, 49152, 6144, 24576, 48, 1]],
  ['instructlab/granite-7b-lab', 6.738, [32, 32008, 4096, 11008, 32, 32]],
  ['instructlab/merlinite-7b-lab', 7.242, [32, 32008, 4096, 14336, 32, 8]],
  ['NousResearch/Llama-2-70b-hf', 68.977, [80, 32000, 8192, 28672, 64, 8]],
  ['NousResearch/Llama-2-13b-hf', 13.016, [40, 32000, 5120, 13824, 40, 40]],
  ['NousResearch/Llama-2-7b-hf', 6.738, [32, 32000, 4096, 11008, 32, 32]],
  ['mistralai/Mistral-7B-v0.1', 7.242, [32, 32000, 4096, 14336, 32, 8]],
  ['mistralai/Mistral-7B-Instruct-v0.3', 7.248, [32, 32768, 4096, 14336, 32, 8]],
  ['mistralai/Mixtral-8x7B-Instruct-v0.1', 46.703, [32, 32000, 4096, 14336, 32, 8]],
  ['mistralai/Mixtral-8x22B-Instruct-v0.1', 140.621, [56, 32768, 6144, 16384, 48, 8]],
  ['microsoft/phi-2', 2.78, [32, 51200, 2560, 10240, 32, 32]],
  ['microsoft/phi-1_5', 1.418, [24, 51200, 2048, 8192, 32, 32]],
  ['gpt2-xl', 1.558, [48, 50257, 1600, 6400, 25, 25]],
  ['gpt2-large', 0.774, [36, 50257, 1280, 5120, 20, 20]],
  ['gpt2-medium', 0.355, [24, 50257, 1024, 4096, 16, 16]],
  ['gpt2', 0.124, [12, 50257, 768, 3072, 12, 12]],
];

const presets: ClassicPreset[] = entries.map(([label, numParams, dims]) => {
  const [numLayers, vocabSize, hiddenSize, intermediateSize, numAttentionHeads, numKeyValueHeads] = dims;
  return {
    label,
    modelConfig: { numParams, numLayers, vocabSize, hiddenSize, intermediateSize, numAttentionHeads, numKeyValueHeads },
  };
});

/** Inference in half precision, one sequence of 512 tokens on one GPU: the estimator's opening state. */
const defaultRunConfig: ClassicRunConfig = {
  isTraining: false,
  inferencePrecision: 'half',
  trainingPrecision: 'mixed',
  optimizer: 'SGD',
  optimizerSGDMomentum: true,
  sequenceLength: 512,
  batchSize: 1,
  numGPUs: 1,
  isFSDP: true,
  isInferenceModelParallelism: true,
};

/** Opens on merlinite-7b-lab, the InstructLab model users of this tool most often size. */
export const CLASSIC_PRESETS: ClassicPresetList = { defaultPresetIndex: 5, defaultRunConfig, presets };
