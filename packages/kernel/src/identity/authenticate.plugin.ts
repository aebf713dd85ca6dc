import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, unauthorized } from '../http/errors.ts';
import type { Kernel } from '../kernel.ts';
import type { OwnedResource } from './access-control.ts';
import type { Principal } from './principal.ts';
import { API_TOKEN_PREFIX } from './secret-token.ts';
import { isTrusted, trustedProxyList } from './trusted-proxies.ts';

export const SESSION_COOKIE = 'platform_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The one authorization call site: throws 401/403/404 unless the principal may do this. */
    authorize(permission: string, resource?: OwnedResource): Principal;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. Every other route refuses anonymous requests. */
    public?: boolean;
    /** The route reads the Authorization header itself (Prometheus bearer token on /metrics). */
    ownAuthorization?: boolean;
  }
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Resolves the principal of every request (API token, session cookie, trusted proxy headers, or the single-user
 * workbench) fresh from the database, so a role change or deactivation applies to the very next request.
 */
async function authenticate(app: FastifyInstance, options: { kernel: Kernel }) {
  const { kernel } = options;
  const { config, identity } = kernel;
  const proxies = trustedProxyList(config.trustedProxies);
  let workbenchUserId: string | undefined;

  app.decorateRequest('principal', undefined);
  app.decorateRequest(
    'authorize',
    function authorize(this: FastifyRequest, permission: string, resource?: OwnedResource) {
      return kernel.access.authorize(this.principal, permission, resource);
    },
  );

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    request.principal = await resolvePrincipal(request);
    // Browsers attach cookies and proxy identities by themselves: only an API token proves the caller meant it.
    if (request.principal && request.principal.via !== 'api_token' && UNSAFE_METHODS.has(request.method)) {
      assertSameOrigin(request);
    }
    if (!request.routeOptions.config?.public && !request.principal && request.routeOptions.url !== undefined) {
      throw unauthorized();
    }
    void reply;
  });

  async function resolvePrincipal(request: FastifyRequest): Promise<Principal | undefined> {
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Bearer ') && !request.routeOptions.config?.ownAuthorization) {
      const token = authorization.slice(7).trim();
      const principal = token.startsWith(API_TOKEN_PREFIX) ? await identity.principalFromApiToken(token) : undefined;
      // A wrong token is an error even on public routes: the client clearly meant to authenticate.
      if (!principal) throw new AppError(401, 'invalid_token', 'the API token is unknown, revoked or expired');
      return principal;
    }
    if (config.authMode === 'none') {
      if (!workbenchUserId) {
        const admin =
          (await identity.users.findByUsername('admin')) ??
          (await identity.users.create({ username: 'admin', displayName: 'Administrator', roles: ['admin'] }));
        workbenchUserId = admin.id;
      }
      // The local admin itself, not an external identity: that would create a fresh non-admin user named by its id.
      const user = await identity.users.findById(workbenchUserId);
      return user?.active ? identity.principalOf(user, 'none') : undefined;
    }
    if (config.authMode === 'proxy' && isTrusted(proxies, request.socket.remoteAddress)) {
      const user = headerValue(request, 'x-forwarded-user') ?? headerValue(request, 'x-forwarded-preferred-username');
      const email = headerValue(request, 'x-forwarded-email');
      if (user || email) return identity.principalFromExternal('proxy', user ?? email!, email, user, 'proxy');
    }
    const session = request.cookies?.[SESSION_COOKIE];
    return session ? identity.principalFromSession(session) : undefined;
  }

  /**
   * Browser-authenticated writes must come from our own pages (SameSite=Lax already stops most cross-site posts; a
   * workbench proxy or `AUTH_MODE=none` has no cookie at all): `Sec-Fetch-Site: cross-site` or a foreign `Origin`
   * is refused (spec 01-odh-tec "Bad input and security").
   */
  function assertSameOrigin(request: FastifyRequest): void {
    const refuse = () => new AppError(403, 'csrf_rejected', 'cross-site request refused');
    if (headerValue(request, 'sec-fetch-site') === 'cross-site') throw refuse();
    const origin = request.headers.origin;
    if (!origin) return;
    const allowed = new Set([config.publicUrl, ...config.corsOrigins, `${request.protocol}://${request.headers.host}`]);
    if (!allowed.has(origin)) throw refuse();
  }
}

const headerValue = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  const text = Array.isArray(value) ? value[0] : value;
  return text?.trim() || undefined;
};

export const authenticatePlugin = fp(authenticate, {
  name: 'platform-authenticate',
  dependencies: ['@fastify/cookie'],
});
