import type { PolicyTable } from '@platform/kernel/identity/access-control.ts';
import type { PermissionDeclaration } from '@platform/kernel/identity/built-in-roles.ts';

/** Permission strings `opmas:<res>:<act>` of spec 02-opmas "API" used by the ingest, device and finding routes. */
export const PERMISSIONS = {
  logsIngest: 'opmas:logs:ingest',
  logsRead: 'opmas:logs:read',
  devicesRead: 'opmas:devices:read',
  devicesWrite: 'opmas:devices:write',
  telemetryPush: 'opmas:telemetry:push',
  findingsRead: 'opmas:findings:read',
  findingsWrite: 'opmas:findings:write',
  rulesRead: 'opmas:rules:read',
  rulesWrite: 'opmas:rules:write',
  rulesTest: 'opmas:rules:test',
  actionsRead: 'opmas:actions:read',
  actionsWrite: 'opmas:actions:write',
  playbooksRead: 'opmas:playbooks:read',
  playbooksWrite: 'opmas:playbooks:write',
  playbooksExecute: 'opmas:playbooks:execute',
  decisionsRead: 'opmas:decisions:read',
  decisionsRevoke: 'opmas:decisions:revoke',
  systemRead: 'opmas:system:read',
  systemWrite: 'opmas:system:write',
  credentialsWrite: 'opmas:credentials:write',
  agentsRead: 'opmas:agents:read',
  agentsWrite: 'opmas:agents:write',
  templatesWrite: 'opmas:templates:write',
  dashboardRead: 'opmas:dashboard:read',
  /** spec "Roles": only admins may ask for mode `execute` (403 `mode_forbidden` otherwise). */
  modeExecute: 'opmas:mode:execute',
} as const;

/**
 * Spec roles → kernel built-in roles: the kernel has `admin` (all permissions), `user` and `viewer`, and apps cannot
 * add roles. `viewer` gets every `:read`; `user` plays the spec's `operator` (reads + devices:write, findings:write). The spec's
 * `collector` (logs:ingest, telemetry:push) is a custom role an administrator creates, or an API token scoped to them.
 */
const declarations: { permission: string; description: string; roles: string[] }[] = [
  { permission: PERMISSIONS.logsIngest, description: 'Push syslog lines over HTTP', roles: [] },
  { permission: PERMISSIONS.logsRead, description: 'See ingest status, stats and logs', roles: ['user', 'viewer'] },
  { permission: PERMISSIONS.devicesRead, description: 'See devices', roles: ['user', 'viewer'] },
  { permission: PERMISSIONS.devicesWrite, description: 'Register, edit and delete devices', roles: ['user'] },
  { permission: PERMISSIONS.telemetryPush, description: 'Push Prometheus telemetry', roles: [] },
  { permission: PERMISSIONS.findingsRead, description: 'See findings and their evidence', roles: ['user', 'viewer'] },
  // spec "Roles": operators update findings.
  { permission: PERMISSIONS.findingsWrite, description: 'Change the status of findings', roles: ['user'] },
  {
    permission: PERMISSIONS.rulesRead,
    description: 'See rules, their versions and counters',
    roles: ['user', 'viewer'],
  },
  // spec "Roles": rule changes are for admins; operators may try lines against rules in the test bench.
  { permission: PERMISSIONS.rulesWrite, description: 'Create, change, roll back and delete rules', roles: [] },
  { permission: PERMISSIONS.rulesTest, description: 'Try log lines against rules (nothing stored)', roles: ['user'] },
  { permission: PERMISSIONS.actionsRead, description: 'See actions and intended actions', roles: ['user', 'viewer'] },
  { permission: PERMISSIONS.actionsWrite, description: 'Request, approve, reject and cancel actions', roles: ['user'] },
  {
    permission: PERMISSIONS.playbooksRead,
    description: 'See playbooks, profiles and executions',
    roles: ['user', 'viewer'],
  },
  { permission: PERMISSIONS.playbooksWrite, description: 'Edit playbooks and profiles', roles: [] },
  { permission: PERMISSIONS.playbooksExecute, description: 'Run a playbook by hand', roles: ['user'] },
  // spec "Roles": bouncers only read decisions; they get a token scoped to this permission.
  {
    permission: PERMISSIONS.decisionsRead,
    description: 'See decisions and pull the bouncer stream',
    roles: ['user', 'viewer'],
  },
  { permission: PERMISSIONS.decisionsRevoke, description: 'Revoke decisions', roles: ['user'] },
  {
    permission: PERMISSIONS.systemRead,
    description: 'See system status and runtime settings',
    roles: ['user', 'viewer'],
  },
  { permission: PERMISSIONS.systemWrite, description: 'Change runtime settings', roles: [] },
  { permission: PERMISSIONS.modeExecute, description: 'Run actions in execute mode', roles: [] },
  { permission: PERMISSIONS.credentialsWrite, description: 'Set device SSH keys and passwords', roles: [] },
  {
    permission: PERMISSIONS.agentsRead,
    description: 'See agents, their replicas and rules',
    roles: ['user', 'viewer'],
  },
  { permission: PERMISSIONS.agentsWrite, description: 'Create, configure, start and stop agents', roles: [] },
  // spec "Bad input and security": command templates are admin-only.
  { permission: PERMISSIONS.templatesWrite, description: 'Create and change command templates', roles: [] },
  { permission: PERMISSIONS.dashboardRead, description: 'See the dashboard', roles: ['user', 'viewer'] },
];

export const permissionDeclarations: PermissionDeclaration[] = declarations.map(
  ({ permission, description, roles }) => ({ permission, description, defaultRoles: roles }),
);

/** Devices and logs are a shared fleet, not owned by one user: every holder of the permission acts on all of them. */
export const policies: PolicyTable = Object.fromEntries(
  Object.values(PERMISSIONS).map((permission) => [permission, { scope: 'any' as const }]),
);
