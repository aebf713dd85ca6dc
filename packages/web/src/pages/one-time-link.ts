// The first-start sign-in URL printed by the server is `<base>/login#one-time=<token>` (platform spec,
// "First start"). The token travels in the fragment so it never reaches server logs or Referer headers.

export function oneTimeTokenFromHash(hash: string): string | undefined {
  const match = /^#?one-time=([^&]+)/.exec(hash);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]) || undefined;
  } catch {
    return undefined;
  }
}

/** Only same-app paths are accepted as the place to return to after sign-in (no open redirect). */
export function safeNextPath(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  if (next === '/login' || next.startsWith('/login?') || next.startsWith('/login#')) return '/';
  return next;
}
