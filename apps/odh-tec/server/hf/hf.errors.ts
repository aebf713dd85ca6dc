import { AppError } from '@platform/kernel/http/errors.ts';

type HeaderValue = string | string[] | undefined;

const first = (value: HeaderValue): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Which call failed: the token test maps a bare 401 to `hf_invalid_token`; a file call maps 404 to the entry. */
export type HubCallKind = 'api' | 'whoami' | 'file';

/**
 * Maps a Hub error answer to the app's error codes (spec "Hugging Face import", error mapping; codes from the
 * Hub's `X-Error-Code`, as `huggingface_hub.hf_raise_for_status` reads them).
 */
export function hubError(status: number, headers: Record<string, HeaderValue>, kind: HubCallKind): AppError {
  const hubCode = first(headers['x-error-code']);
  const hubMessage = first(headers['x-error-message']);
  const details = { hubStatus: status, hubCode, hubMessage };
  switch (hubCode) {
    case 'RepoNotFound':
      return new AppError(404, 'hf_repo_not_found', 'repository not found, or private and no valid token', details);
    case 'GatedRepo':
      return new AppError(403, 'hf_gated', 'gated repository: the token has not been granted access', details);
    case 'RevisionNotFound':
      return new AppError(404, 'hf_revision_not_found', 'revision not found', details);
    case 'EntryNotFound':
      return new AppError(404, 'hf_entry_not_found', 'file not found in the repository', details);
    case 'DisabledRepo':
      return new AppError(403, 'hf_repo_disabled', 'repository is disabled', details);
  }
  // A 401 without a Hub code means the Authorization header itself was refused (whoami-v2 with a bad token).
  if (status === 401) return new AppError(400, 'hf_invalid_token', 'the Hugging Face token is invalid', details);
  if (status === 404 && kind === 'file') {
    return new AppError(404, 'hf_entry_not_found', 'file not found in the repository', details);
  }
  if (status === 404) return new AppError(404, 'hf_repo_not_found', 'repository not found', details);
  return new AppError(502, 'hf_unreachable', `Hugging Face Hub answered ${status}`, details);
}

/** A network failure (refused, reset, DNS, TLS) talking to the Hub or its CDN. */
export function hubUnreachable(cause: unknown): AppError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new AppError(502, 'hf_unreachable', `Hugging Face Hub unreachable: ${message}`);
}
