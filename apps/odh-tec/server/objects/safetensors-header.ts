import { AppError } from '@platform/kernel/http/errors.ts';

/** A safetensors header larger than this is refused (spec 01-odh-tec "Download / preview"). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100 * 1024 * 1024;
/** The u64 little-endian header length that opens every safetensors file. */
export const SAFETENSORS_PREFIX_BYTES = 8;

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Π shape (1 for a scalar) */
  parameters: number;
}

export interface SafetensorsSummary {
  tensors: TensorInfo[];
  /** Σ Π shape over every tensor, `__metadata__` excluded */
  totalParameters: number;
  metadata: Record<string, string>;
  headerBytes: number;
}

const invalid = (message: string) => new AppError(422, 'invalid_safetensors', message);

/** The JSON header length N from the first 8 bytes; refuses a length past the object or the 100 MiB cap. */
export function safetensorsHeaderLength(prefix: Uint8Array, objectSize: number): number {
  if (prefix.length < SAFETENSORS_PREFIX_BYTES) throw invalid('the file is shorter than a safetensors header');
  const length = Buffer.from(prefix.buffer, prefix.byteOffset, SAFETENSORS_PREFIX_BYTES).readBigUInt64LE(0);
  if (length > BigInt(MAX_SAFETENSORS_HEADER_BYTES)) throw invalid('the safetensors header is larger than 100 MiB');
  const bytes = Number(length);
  if (bytes < 2 || SAFETENSORS_PREFIX_BYTES + bytes > objectSize) throw invalid('the header length is out of range');
  return bytes;
}

const isShape = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((size) => Number.isSafeInteger(size) && size >= 0);

/** The tensor table of a safetensors JSON header `{name:{dtype,shape,data_offsets}}` with exact parameter counts. */
export function summarizeSafetensorsHeader(header: Uint8Array): SafetensorsSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(header));
  } catch {
    throw invalid('the safetensors header is not UTF-8 JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalid('the safetensors header is not a JSON object');
  }
  const metadata: Record<string, string> = {};
  const tensors: TensorInfo[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      for (const [field, text] of Object.entries(value ?? {})) if (typeof text === 'string') metadata[field] = text;
      continue;
    }
    const { dtype, shape } = (value ?? {}) as { dtype?: unknown; shape?: unknown };
    if (typeof dtype !== 'string' || !isShape(shape)) throw invalid(`tensor ${name} has no dtype or shape`);
    tensors.push({ name, dtype, shape, parameters: shape.reduce((product, size) => product * size, 1) });
  }
  const totalParameters = tensors.reduce((sum, tensor) => sum + tensor.parameters, 0);
  return { tensors, totalParameters, metadata, headerBytes: header.length };
}
