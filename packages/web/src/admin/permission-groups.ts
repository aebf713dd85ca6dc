import type { PermissionInfo } from '../api/kernel-types.ts';

export interface PermissionGroup {
  app: string;
  permissions: PermissionInfo[];
}

/** Permissions grouped by app (`platform` first, then alphabetical), each group sorted by permission. */
export function groupPermissionsByApp(permissions: PermissionInfo[]): PermissionGroup[] {
  const groups = new Map<string, PermissionInfo[]>();
  for (const permission of permissions) {
    const list = groups.get(permission.app) ?? [];
    list.push(permission);
    groups.set(permission.app, list);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === 'platform' ? -1 : b === 'platform' ? 1 : a.localeCompare(b)))
    .map(([app, list]) => ({ app, permissions: list.sort((a, b) => a.permission.localeCompare(b.permission)) }));
}

/** Adds or removes every permission of a group at once ("select all" for one app). */
export function setGroupSelection(selected: string[], group: PermissionGroup, checked: boolean): string[] {
  const names = new Set(group.permissions.map((permission) => permission.permission));
  const others = selected.filter((permission) => !names.has(permission));
  return checked ? [...others, ...names] : others;
}
