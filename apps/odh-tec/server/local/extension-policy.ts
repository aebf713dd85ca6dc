import { AppError } from '@platform/kernel/http/errors.ts';

/** Lower-case extensions without the leading dot, from a comma list such as `.bin, safetensors,tar.gz`. */
const extensionsOf = (...lists: (string | undefined)[]): string[] =>
  lists
    .flatMap((list) => (list ?? '').split(','))
    .map((extension) => extension.trim().toLowerCase().replace(/^\.+/, ''))
    .filter(Boolean);

const hasExtension = (fileName: string, extension: string): boolean => fileName.toLowerCase().endsWith(`.${extension}`);

/**
 * The extension check for local uploads (spec "Configuration"): `BLOCKED_FILE_EXTENSIONS[_APPEND]` always apply;
 * `ALLOWED_FILE_EXTENSIONS` (plus its _APPEND) restricts uploads only when set (default: everything allowed, nothing blocked).
 * Multi-dot extensions (`tar.gz`) match the end of the name.
 */
export function extensionPolicyFrom(env: Record<string, string | undefined>): (fileName: string) => void {
  // The default allow list is "everything": an _APPEND to it changes nothing until a base list is set.
  const base = extensionsOf(env.ALLOWED_FILE_EXTENSIONS);
  const allowed = base.length ? [...base, ...extensionsOf(env.ALLOWED_FILE_EXTENSIONS_APPEND)] : [];
  const blocked = extensionsOf(env.BLOCKED_FILE_EXTENSIONS, env.BLOCKED_FILE_EXTENSIONS_APPEND);
  return (fileName) => {
    const refused =
      blocked.some((extension) => hasExtension(fileName, extension)) ||
      (allowed.length > 0 && !allowed.some((extension) => hasExtension(fileName, extension)));
    if (refused) throw new AppError(400, 'extension_not_allowed', `uploads of "${fileName}" are not allowed here`);
  };
}
