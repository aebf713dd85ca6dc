import type { ClassicResult, DetailedResult } from '../../../vram/src/index.ts';

export type DisplayUnit = 'MiB' | 'GiB';

export interface VramSegment {
  name: string;
  bytes: number;
}

/** What the bar and the table show: GPU 0's components and the totals, all in bytes. */
export interface VramBreakdown {
  segments: VramSegment[];
  totalFirstGpuBytes: number;
  totalOtherGpusBytes: number;
  warnings: string[];
}

const MIB = 2 ** 20;
const GIB = 2 ** 30;

const componentNames: Record<string, string> = {
  cudaKernels: 'CUDA kernels',
  cudaContext: 'CUDA context',
  parameters: 'Parameters',
  weights: 'Weights',
  outputs: 'Outputs',
  logits: 'Logits',
  activations: 'Activations',
  kvCache: 'KV cache',
  gradients: 'Gradients',
  masterWeights: 'Master weights',
  optimizerStates: 'Optimizer states',
  firstMoments: 'First moments',
  secondMoments: 'Second moments',
};

function segmentsOf(values: Record<string, number | undefined>, scale: number): VramSegment[] {
  return Object.entries(values)
    .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
    .map(([key, value]) => ({ name: componentNames[key] ?? key, bytes: value * scale }));
}

/** Classic results are in the requested unit; they become bytes so both modes render alike. */
export function classicBreakdown(result: ClassicResult): VramBreakdown {
  const scale = result.unit === 'GiB' ? GIB : MIB;
  return {
    segments: segmentsOf({ ...result.components }, scale),
    totalFirstGpuBytes: result.totalFirstGpu * scale,
    totalOtherGpusBytes: result.totalOtherGpus * scale,
    warnings: [],
  };
}

/** Detailed results are in bytes per GPU; the first GPU is the one shown. */
export function detailedBreakdown(result: DetailedResult): VramBreakdown {
  const first = result.perGpu[0];
  return {
    segments: first ? segmentsOf({ ...first.bytes }, 1) : [],
    totalFirstGpuBytes: result.totalFirstGpuBytes,
    totalOtherGpusBytes: result.totalOtherGpusBytes,
    warnings: result.warnings,
  };
}

/** Bytes in the display unit with the precision that unit deserves. */
export function inUnit(bytes: number, unit: DisplayUnit): string {
  return unit === 'GiB' ? `${(bytes / GIB).toFixed(3)} GiB` : `${Math.round(bytes / MIB)} MiB`;
}
