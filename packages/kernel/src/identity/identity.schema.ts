import { type Static, Type } from 'typebox';

export const Credentials = Type.Object(
  {
    /** account name */
    username: Type.String({ minLength: 1, maxLength: 200, description: 'account name' }),
    /** password (never logged) */
    password: Type.String({ minLength: 1, maxLength: 1000, description: 'password' }),
  },
  { additionalProperties: false },
);
export type Credentials = Static<typeof Credentials>;

export const OneTimeSignIn = Type.Object(
  {
    /** the secret from the one-time sign-in link's fragment */
    token: Type.String({ minLength: 10, maxLength: 200, description: 'one-time sign-in secret' }),
  },
  { additionalProperties: false },
);
export type OneTimeSignIn = Static<typeof OneTimeSignIn>;

export const CurrentUser = Type.Object({
  /** user id */
  id: Type.String({ description: 'user id' }),
  /** account name */
  username: Type.String({ description: 'account name' }),
  /** e-mail, if known */
  email: Type.Union([Type.String(), Type.Null()], { description: 'e-mail, if known' }),
  /** name to show */
  displayName: Type.String({ description: 'name to show' }),
  /** role names */
  roles: Type.Array(Type.String(), { description: 'role names' }),
  /** permission patterns granted */
  permissions: Type.Array(Type.String(), { description: 'permission patterns granted by the roles' }),
  /** may administer the platform */
  isAdmin: Type.Boolean({ description: 'may administer the platform' }),
  /** how this request was authenticated */
  via: Type.String({ description: 'session, api_token, proxy or none' }),
});
export type CurrentUser = Static<typeof CurrentUser>;

export const SignedIn = Type.Object({ user: CurrentUser });

export const AuthProviders = Type.Object({
  /** AUTH_MODE */
  mode: Type.String({ description: 'local, oidc, proxy or none' }),
  /** whether the username/password form is offered */
  local: Type.Boolean({ description: 'username/password form offered' }),
  /** external sign-in buttons */
  providers: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), loginUrl: Type.String() }), {
    description: 'external sign-in providers',
  }),
});

export const Scope = Type.String({
  pattern: '^(\\*|[a-z0-9*-]+:[a-z0-9*-]+:[a-z0-9*-]+)$',
  description: 'permission pattern <app>:<resource>:<action> with * per segment, or *',
});

export const CreateApiToken = Type.Object(
  {
    /** label to recognise the token by */
    name: Type.String({ minLength: 1, maxLength: 100, description: 'label' }),
    /** what the token may do; at most what its creator may do */
    scopes: Type.Array(Scope, { minItems: 1, maxItems: 50, description: 'permission patterns the token may use' }),
    /** lifetime in days; tokens always expire */
    expiresInDays: Type.Integer({ minimum: 1, maximum: 366, default: 90, description: 'lifetime in days' }),
  },
  { additionalProperties: false },
);
export type CreateApiToken = Static<typeof CreateApiToken>;

export const ApiTokenView = Type.Object({
  /** token id */
  id: Type.String({ description: 'token id' }),
  /** label */
  name: Type.String({ description: 'label' }),
  /** first characters, to recognise it */
  prefix: Type.String({ description: 'first characters of the token' }),
  /** permission patterns */
  scopes: Type.Array(Type.String(), { description: 'permission patterns' }),
  /** expiry time */
  expiresAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO expiry time' }),
  /** last use */
  lastUsedAt: Type.Union([Type.String(), Type.Null()], { description: 'ISO time of last use' }),
  /** creation time */
  createdAt: Type.String({ description: 'ISO creation time' }),
});

export const CreatedApiToken = Type.Object({
  /** the secret, shown this once */
  token: Type.String({ description: 'the secret token; shown only in this response' }),
  item: ApiTokenView,
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'resource id' }) });
export type IdParams = Static<typeof IdParams>;
