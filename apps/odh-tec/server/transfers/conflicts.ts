/** Conflict policies of copies (spec 01-odh-tec M10, "Transfers"). */
export type ConflictResolution = 'overwrite' | 'skip' | 'rename';

/**
 * `stem-N.ext` with `ext` after the last dot of the leaf: `a.txt` → `a-1.txt`, `x.tar.gz` → `x.tar-1.gz`, `.env` →
 * `.env-1` (a leading dot starts no extension).
 */
export function renamed(path: string, n: number): string {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const leaf = path.slice(slash + 1);
  const dot = leaf.lastIndexOf('.');
  if (dot <= 0) return `${dir}${leaf}-${n}`;
  return `${dir}${leaf.slice(0, dot)}-${n}${leaf.slice(dot)}`;
}

/**
 * Destination paths under a policy, given what exists already (one listing): `skip` and `overwrite` keep the path
 * (the runner skips or replaces), `rename` takes the lowest free N, also avoiding names given to earlier files.
 */
export function resolveConflicts(
  destinations: string[],
  existing: ReadonlySet<string>,
  policy: ConflictResolution,
): { path: string; conflict: boolean }[] {
  const taken = new Set(existing);
  return destinations.map((path) => {
    const conflict = taken.has(path);
    if (!conflict || policy !== 'rename') {
      taken.add(path);
      return { path, conflict };
    }
    let n = 1;
    while (taken.has(renamed(path, n))) n++;
    const free = renamed(path, n);
    taken.add(free);
    return { path: free, conflict };
  });
}
