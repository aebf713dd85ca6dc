import type { PolicyTable } from '@platform/kernel/identity/access-control.ts';
import type { PermissionDeclaration } from '@platform/kernel/identity/built-in-roles.ts';

/** Permission strings of spec 01-odh-tec "Purpose and users". */
export const PERMISSIONS = {
  objectsRead: 'odh-tec:objects:read',
  objectsWrite: 'odh-tec:objects:write',
  objectsDelete: 'odh-tec:objects:delete',
  bucketsManage: 'odh-tec:buckets:manage',
  transfersRun: 'odh-tec:transfers:run',
  hfImport: 'odh-tec:hf:import',
  settingsManage: 'odh-tec:settings:manage',
  vramUse: 'odh-tec:vram:use',
} as const;

const describe: Record<string, string> = {
  [PERMISSIONS.objectsRead]: 'Browse, preview and download objects',
  [PERMISSIONS.objectsWrite]: 'Upload objects and create folders',
  [PERMISSIONS.objectsDelete]: 'Delete objects and folders',
  [PERMISSIONS.bucketsManage]: 'Create and delete buckets',
  [PERMISSIONS.transfersRun]: 'Run copy transfers',
  [PERMISSIONS.hfImport]: 'Import models from Hugging Face',
  [PERMISSIONS.settingsManage]: 'Manage S3 connections and settings',
  [PERMISSIONS.vramUse]: 'Use the VRAM estimator',
};

/** Viewers browse and estimate; users get everything (spec roles odh-tec-viewer and odh-tec-user). */
const viewerPermissions = new Set<string>([PERMISSIONS.objectsRead, PERMISSIONS.vramUse]);

export const permissionDeclarations: PermissionDeclaration[] = Object.entries(describe).map(
  ([permission, description]) => ({
    permission,
    description,
    defaultRoles: viewerPermissions.has(permission) ? ['user', 'viewer'] : ['user'],
  }),
);

/**
 * Connections and everything reached through them belong to their creator: another user gets 404. Only platform
 * administrators (the kernel's override) act on other users' connections.
 */
export const policies: PolicyTable = {
  [PERMISSIONS.settingsManage]: { scope: 'owner' },
  [PERMISSIONS.objectsRead]: { scope: 'owner' },
  [PERMISSIONS.objectsWrite]: { scope: 'owner' },
  [PERMISSIONS.objectsDelete]: { scope: 'owner' },
  [PERMISSIONS.bucketsManage]: { scope: 'owner' },
};
