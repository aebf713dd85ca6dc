/** A permission an app (or the kernel) declares, with the built-in roles it is granted to when first seen. */
export interface PermissionDeclaration {
  permission: string;
  description: string;
  defaultRoles?: string[];
}

export const BUILT_IN_ROLES = [
  { name: 'admin', description: 'Everything, including platform administration', permissions: ['*'] },
  { name: 'user', description: 'Uses the apps with their own resources', permissions: [] as string[] },
  { name: 'viewer', description: 'Reads what the apps show, changes nothing', permissions: [] as string[] },
];

/** The kernel's own permissions. */
export const PLATFORM_PERMISSIONS: PermissionDeclaration[] = [
  {
    permission: 'platform:admin:manage',
    description: 'Manage users, roles and settings; see all audit entries and jobs',
  },
  { permission: 'platform:tokens:manage', description: 'Create and revoke own API tokens', defaultRoles: ['user'] },
  { permission: 'platform:jobs:read', description: 'Follow own background jobs', defaultRoles: ['user', 'viewer'] },
  { permission: 'platform:jobs:manage', description: 'Cancel and retry own background jobs', defaultRoles: ['user'] },
];
