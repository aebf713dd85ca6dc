// The "Recommended" file selection of the HF import modal (spec 01-odh-tec "Web UI": HF import modal).
export const recommendedInclude = '*.safetensors,*.json,*.txt,*.model,*.tiktoken,*.jinja,*.md';
export const recommendedExclude = 'original/**';

/** A comma list as globs: trimmed, empties dropped; an empty list means "the server default". */
export function globList(text: string): string[] | undefined {
  const globs = text
    .split(',')
    .map((glob) => glob.trim())
    .filter(Boolean);
  return globs.length ? globs : undefined;
}

export interface HfImportFields {
  modelId: string;
  revision: string;
  include: string;
  exclude: string;
  token: string;
}

/** The body of POST /api/objects/import-hf for the current folder. */
export function importRequest(
  fields: HfImportFields,
  destination: { locationId: string | undefined; bucket: string; prefix: string },
) {
  return {
    modelId: fields.modelId.trim(),
    revision: fields.revision.trim() || undefined,
    destination: {
      locationId: destination.locationId,
      bucket: destination.bucket,
      prefix: destination.prefix || undefined,
    },
    include: globList(fields.include),
    exclude: globList(fields.exclude),
    hfToken: fields.token || undefined,
  };
}
