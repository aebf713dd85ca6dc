/** Who is making a request, resolved fresh from the database on every request. */
export interface Principal {
  userId: string;
  username: string;
  email: string | null;
  displayName: string;
  roles: string[];
  /** Permission patterns granted by the user's roles (`<app>:<resource>:<action>`, `*` per segment or alone). */
  grants: string[];
  /** Set when the request came with an API token: the token may only use permissions matching one of these. */
  scopes?: string[];
  via: 'session' | 'api_token' | 'proxy' | 'none';
  sessionTokenHash?: string;
}

/** Does a grant pattern cover a permission? `*` alone covers all; otherwise segment by segment. */
export function patternCovers(pattern: string, permission: string): boolean {
  if (pattern === '*') return true;
  const want = permission.split(':');
  const have = pattern.split(':');
  if (have.length !== want.length) return false;
  return have.every((segment, index) => segment === '*' || segment === want[index]);
}

export function hasPermission(principal: Principal, permission: string): boolean {
  const granted = principal.grants.some((grant) => patternCovers(grant, permission));
  if (!granted) return false;
  return principal.scopes === undefined || principal.scopes.some((scope) => patternCovers(scope, permission));
}

export const isAdmin = (principal: Principal): boolean => hasPermission(principal, 'platform:admin:manage');
