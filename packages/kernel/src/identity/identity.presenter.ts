import type { ApiTokenRow } from './api-token.repository.ts';
import { isAdmin, type Principal } from './principal.ts';
import type { UserRow } from './user.repository.ts';

const iso = (date: Date | null | undefined): string | null => (date ? date.toISOString() : null);

export const presentPrincipal = (principal: Principal) => ({
  id: principal.userId,
  username: principal.username,
  email: principal.email,
  displayName: principal.displayName,
  roles: principal.roles,
  permissions: principal.grants,
  isAdmin: isAdmin(principal),
  via: principal.via,
});

export const presentApiToken = (row: ApiTokenRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  scopes: row.scopes,
  expiresAt: iso(row.expiresAt),
  lastUsedAt: iso(row.lastUsedAt),
  createdAt: row.createdAt.toISOString(),
});

/** Never the password hash. */
export const presentUser = (row: UserRow) => ({
  id: row.id,
  username: row.username,
  email: row.email,
  displayName: row.displayName,
  roles: row.roles,
  active: row.active,
  createdAt: row.createdAt.toISOString(),
  lastLoginAt: iso(row.lastLoginAt),
});
