import type { Config } from '../config/load-config.ts';
import type { Orm } from '../db/database.ts';
import { AppError, badRequest, conflict, notFound, tooManyRequests } from '../http/errors.ts';
import { ApiTokenRepository, type ApiTokenRow } from './api-token.repository.ts';
import { BUILT_IN_ROLES, type PermissionDeclaration } from './built-in-roles.ts';
import { LoginThrottle } from './login-throttle.ts';
import { hashPassword, PASSWORD_MIN_LENGTH, verifyPassword } from './password.ts';
import { type Principal, patternCovers } from './principal.ts';
import { RoleRepository } from './role.repository.ts';
import { displayPrefix, newApiToken, randomSecret, sha256Hex } from './secret-token.ts';
import { SessionRepository } from './session.repository.ts';
import { UserRepository, type UserRow } from './user.repository.ts';

export interface ClientMeta {
  ip: string;
  userAgent?: string;
}

/** Where a sign-in came from, recorded with its session. */
export const clientMeta = (request: { ip: string; headers: { 'user-agent'?: string } }): ClientMeta => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'],
});

const ONE_TIME_LINK_TTL_MS = 24 * 3600_000;
const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'wrong username or password');

/** Sign-in, sessions, API tokens and the user/role administration behind them. */
export class IdentityService {
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly tokens: ApiTokenRepository;
  readonly roles: RoleRepository;
  readonly throttle = new LoginThrottle();
  readonly #config: Config;

  constructor(orm: Orm, config: Config) {
    this.users = new UserRepository(orm);
    this.sessions = new SessionRepository(orm);
    this.tokens = new ApiTokenRepository(orm);
    this.roles = new RoleRepository(orm);
    this.#config = config;
  }

  /** Seeds built-in roles and grants each newly seen permission to the roles its declaration names. */
  async syncPermissions(declarations: (PermissionDeclaration & { app: string })[]): Promise<void> {
    await this.roles.insertMissing(BUILT_IN_ROLES.map((role) => ({ ...role, builtIn: true })));
    const known = await this.roles.knownPermissions();
    const fresh = declarations.filter((declaration) => !known.has(declaration.permission));
    for (const role of BUILT_IN_ROLES) {
      const additions = fresh
        .filter((declaration) => declaration.defaultRoles?.includes(role.name))
        .map((d) => d.permission);
      if (additions.length === 0) continue;
      const current = await this.roles.find(role.name);
      await this.roles.upsert({
        name: role.name,
        description: current?.description ?? role.description,
        permissions: [...new Set([...(current?.permissions ?? []), ...additions])],
        builtIn: true,
      });
    }
    await this.roles.recordPermissions(
      fresh.map((declaration) => ({
        permission: declaration.permission,
        app: declaration.app,
        description: declaration.description,
      })),
    );
  }

  /** First start: with no user at all, create `admin` and return a one-time sign-in URL for it. */
  async ensureFirstAdmin(basePath: string): Promise<string | undefined> {
    if ((await this.users.count()) > 0) return undefined;
    const admin = await this.users.create({ username: 'admin', displayName: 'Administrator', roles: ['admin'] });
    return this.createOneTimeLink(admin.id, basePath);
  }

  async createOneTimeLink(userId: string, basePath: string): Promise<string> {
    const secret = randomSecret();
    await this.sessions.createOneTimeLogin({
      tokenHash: sha256Hex(secret),
      userId,
      expiresAt: new Date(Date.now() + ONE_TIME_LINK_TTL_MS),
    });
    // In the fragment: browsers never send it to servers or proxies, so it cannot land in access logs.
    return `${this.#config.publicUrl}${basePath}login#one-time=${secret}`;
  }

  async login(username: string, password: string, meta: ClientMeta): Promise<{ user: UserRow; sessionToken: string }> {
    const user = await this.verifyCredentials(username, password, meta);
    return { user, sessionToken: await this.startSession(user, meta) };
  }

  /** Checks a username and password under the sign-in throttle, without starting a session (token logins). */
  async verifyCredentials(username: string, password: string, meta: ClientMeta): Promise<UserRow> {
    const wait = this.throttle.retryAfter(username, meta.ip);
    if (wait > 0) {
      const error = tooManyRequests(`too many failed sign-ins; try again in ${wait} s`);
      error.retryAfter = wait;
      throw error;
    }
    const user = await this.users.findByUsername(username);
    const valid = await verifyPassword(password, user?.passwordHash);
    if (!user || !valid || !user.active) {
      this.throttle.fail(username, meta.ip);
      throw invalidCredentials();
    }
    this.throttle.succeed(username, meta.ip);
    return user;
  }

  async consumeOneTimeLink(secret: string, meta: ClientMeta): Promise<{ user: UserRow; sessionToken: string }> {
    const userId = await this.sessions.consumeOneTimeLogin(sha256Hex(secret));
    const user = userId ? await this.users.findById(userId) : undefined;
    if (!user?.active) throw new AppError(401, 'link_invalid', 'this sign-in link was already used or has expired');
    return { user, sessionToken: await this.startSession(user, meta) };
  }

  async startSession(user: UserRow, meta: ClientMeta): Promise<string> {
    const token = randomSecret();
    await this.sessions.create({
      tokenHash: sha256Hex(token),
      userId: user.id,
      expiresAt: new Date(Date.now() + this.#config.sessionTtlHours * 3600_000),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 300),
    });
    await this.users.update(user.id, { lastLoginAt: new Date() });
    return token;
  }

  async endSession(tokenHash: string): Promise<void> {
    await this.sessions.delete(tokenHash);
  }

  async principalFromSession(token: string): Promise<Principal | undefined> {
    const tokenHash = sha256Hex(token);
    const user = await this.sessions.findUser(tokenHash);
    if (!user?.active) return undefined;
    return { ...(await this.principalOf(user, 'session')), sessionTokenHash: tokenHash };
  }

  async principalFromApiToken(token: string): Promise<Principal | undefined> {
    const found = await this.tokens.findByHash(sha256Hex(token));
    if (!found?.user.active) return undefined;
    if (found.token.expiresAt && found.token.expiresAt.getTime() <= Date.now()) return undefined;
    await this.tokens.markUsed(found.token.id);
    return { ...(await this.principalOf(found.user, 'api_token')), scopes: found.token.scopes };
  }

  /** External identity (OIDC claims or trusted proxy headers) → a local user, created on first sight. */
  async principalFromExternal(
    provider: string,
    subject: string,
    email: string | undefined,
    name: string | undefined,
    via: Principal['via'],
  ): Promise<Principal | undefined> {
    let user = await this.users.findByIdentity(provider, subject);
    if (!user && email) {
      user = await this.users.findByEmail(email);
      if (user) await this.users.linkIdentity(user.id, provider, subject, email);
    }
    if (!user) {
      const wantsAdmin = email !== undefined && this.#config.adminEmails.includes(email.toLowerCase());
      const base = (email?.split('@')[0] ?? subject).replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'user';
      const username = (await this.users.findByUsername(base)) ? `${base}-${randomSecret(3)}` : base;
      user = await this.users.create({
        username,
        email: email ?? null,
        displayName: name ?? username,
        roles: [wantsAdmin ? 'admin' : 'user'],
      });
      await this.users.linkIdentity(user.id, provider, subject, email ?? null);
    }
    if (!user.active) return undefined;
    return this.principalOf(user, via);
  }

  async principalOf(user: UserRow, via: Principal['via']): Promise<Principal> {
    return {
      userId: user.id,
      username: user.username,
      email: user.email,
      displayName: user.displayName || user.username,
      roles: user.roles,
      grants: await this.roles.grantsOf(user.roles),
      via,
    };
  }

  async createApiToken(
    principal: Principal,
    input: { name: string; scopes: string[]; expiresInDays?: number; expiresAt?: Date },
  ): Promise<{ token: string; row: ApiTokenRow }> {
    // A token can never hold more than its creator: every scope must be covered by the creator's own grants.
    for (const scope of input.scopes) {
      if (!principal.grants.some((grant) => patternCovers(grant, scope))) {
        throw badRequest(`scope ${scope} exceeds your own permissions`, undefined, 'scope_not_allowed');
      }
    }
    const token = newApiToken();
    const row = await this.tokens.create({
      userId: principal.userId,
      name: input.name,
      prefix: displayPrefix(token),
      tokenHash: sha256Hex(token),
      scopes: input.scopes,
      expiresAt:
        input.expiresAt ?? (input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86400_000) : null),
    });
    return { token, row };
  }

  async createUser(input: {
    username: string;
    email?: string;
    displayName?: string;
    password?: string;
    roles: string[];
  }) {
    if (await this.users.findByUsername(input.username)) throw conflict('username is taken', 'username_taken');
    if (input.email && (await this.users.findByEmail(input.email))) throw conflict('e-mail is taken', 'email_taken');
    await this.#assertRolesExist(input.roles);
    if (input.password !== undefined && input.password.length < PASSWORD_MIN_LENGTH) {
      throw badRequest(`password must have at least ${PASSWORD_MIN_LENGTH} characters`, undefined, 'weak_password');
    }
    return this.users.create({
      username: input.username,
      email: input.email ?? null,
      displayName: input.displayName ?? input.username,
      passwordHash: input.password ? await hashPassword(input.password) : null,
      roles: input.roles,
    });
  }

  async updateUser(
    id: string,
    changes: { roles?: string[]; active?: boolean; displayName?: string; password?: string },
  ) {
    const before = await this.users.findById(id);
    if (!before) throw notFound('user');
    if (changes.roles) await this.#assertRolesExist(changes.roles);
    if (changes.password !== undefined && changes.password.length < PASSWORD_MIN_LENGTH) {
      throw badRequest(`password must have at least ${PASSWORD_MIN_LENGTH} characters`, undefined, 'weak_password');
    }
    const after = await this.users.update(id, {
      roles: changes.roles,
      active: changes.active,
      displayName: changes.displayName,
      passwordHash: changes.password ? await hashPassword(changes.password) : undefined,
    });
    // A deactivated user loses every session at once, not only on expiry.
    if (changes.active === false) await this.sessions.deleteForUser(id);
    return { before, after: after! };
  }

  async #assertRolesExist(names: string[]): Promise<void> {
    const known = new Set((await this.roles.list()).map((role) => role.name));
    const unknown = names.filter((name) => !known.has(name));
    if (unknown.length) throw badRequest(`unknown role: ${unknown.join(', ')}`, undefined, 'unknown_role');
  }
}
