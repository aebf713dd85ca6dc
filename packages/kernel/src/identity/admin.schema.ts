import { type Static, Type } from 'typebox';

export const UserView = Type.Object({
  /** user id */
  id: Type.String({ description: 'user id' }),
  /** account name */
  username: Type.String({ description: 'account name' }),
  /** e-mail */
  email: Type.Union([Type.String(), Type.Null()], { description: 'e-mail' }),
  /** name to show */
  displayName: Type.String({ description: 'name to show' }),
  /** role names */
  roles: Type.Array(Type.String(), { description: 'role names' }),
  /** may sign in */
  active: Type.Boolean({ description: 'may sign in' }),
  /** creation time */
  createdAt: Type.String({ description: 'ISO creation time' }),
  /** last sign-in */
  lastLoginAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO time of last sign-in' }),
});

const RoleName = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,62}$', description: 'role name' });

export const CreateUser = Type.Object(
  {
    /** account name */
    username: Type.String({ pattern: '^[A-Za-z0-9._@-]{1,100}$', description: 'account name' }),
    /** e-mail */
    email: Type.Optional(Type.String({ format: 'email', maxLength: 320, description: 'e-mail' })),
    /** name to show */
    displayName: Type.Optional(Type.String({ maxLength: 200, description: 'name to show' })),
    /** initial password; omit for OIDC/proxy-only accounts */
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 1000, description: 'initial password' })),
    /** role names */
    roles: Type.Array(RoleName, { default: ['user'], maxItems: 20, description: 'role names' }),
  },
  { additionalProperties: false },
);
export type CreateUser = Static<typeof CreateUser>;

export const UpdateUser = Type.Object(
  {
    /** replaces the user's roles */
    roles: Type.Optional(Type.Array(RoleName, { maxItems: 20, description: 'role names' })),
    /** false deactivates the account and ends its sessions */
    active: Type.Optional(Type.Boolean({ description: 'may sign in' })),
    /** name to show */
    displayName: Type.Optional(Type.String({ maxLength: 200, description: 'name to show' })),
    /** new password */
    password: Type.Optional(Type.String({ minLength: 8, maxLength: 1000, description: 'new password' })),
  },
  { additionalProperties: false },
);
export type UpdateUser = Static<typeof UpdateUser>;

export const RoleView = Type.Object({
  /** role name */
  name: Type.String({ description: 'role name' }),
  /** what the role is for */
  description: Type.String({ description: 'what the role is for' }),
  /** permission patterns */
  permissions: Type.Array(Type.String(), { description: 'permission patterns granted' }),
  /** shipped with the platform */
  builtIn: Type.Boolean({ description: 'shipped with the platform' }),
});

export const RoleParams = Type.Object({ name: RoleName });

export const UpdateRole = Type.Object(
  {
    /** what the role is for */
    description: Type.String({ maxLength: 500, description: 'what the role is for' }),
    /** permission patterns */
    permissions: Type.Array(Type.String({ pattern: '^(\\*|[a-z0-9*-]+:[a-z0-9*-]+:[a-z0-9*-]+)$' }), {
      maxItems: 500,
      description: 'permission patterns granted',
    }),
  },
  { additionalProperties: false },
);
export type UpdateRole = Static<typeof UpdateRole>;

export const PermissionView = Type.Object({
  /** `<app>:<resource>:<action>` */
  permission: Type.String({ description: '<app>:<resource>:<action>' }),
  /** app that declares it */
  app: Type.String({ description: 'app that declares it' }),
  /** what it allows */
  description: Type.String({ description: 'what it allows' }),
});
