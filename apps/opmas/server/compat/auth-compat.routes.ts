/**
 * Upstream OPMAS's token login, kept for its clients (spec 02-opmas "API" `/api/v1/auth/*`): username and password
 * (form or JSON) give a kernel API token limited to the user's OPMAS permissions, valid `OPMAS_TOKEN_TTL_MIN`
 * minutes; there is no JWT secret. Open self-registration is gone: creating users needs `platform:users:create`.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import { presentPrincipal } from '@platform/kernel/identity/identity.presenter.ts';
import { CurrentUser } from '@platform/kernel/identity/identity.schema.ts';
import { clientMeta } from '@platform/kernel/identity/identity.service.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';

const Credentials = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 128, description: 'kernel user name' }),
  password: Type.String({ minLength: 1, maxLength: 1024, description: 'password' }),
});

const TokenResponse = Type.Object({
  access_token: Type.String({ description: 'send as Authorization: Bearer' }),
  token_type: Type.Literal('bearer'),
  expires_in: Type.Integer({ description: 'seconds' }),
});

const Registration = Type.Object({
  username: Type.String({ pattern: '^[a-zA-Z0-9_.-]{1,64}$', description: 'new user name' }),
  password: Type.String({ minLength: 12, maxLength: 1024, description: 'at least 12 characters' }),
  email: Type.Optional(Type.String({ format: 'email', description: 'contact address' })),
});

/** `grants` narrowed to OPMAS: `*` becomes `opmas:*:*`, other apps' grants are left out. */
function opmasScopes(grants: string[]): string[] {
  return [
    ...new Set(grants.flatMap((grant) => (grant === '*' ? ['opmas:*:*'] : grant.startsWith('opmas:') ? [grant] : []))),
  ];
}

export const authCompatRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const ttlMinutes = Number(kernel.config.env.OPMAS_TOKEN_TTL_MIN ?? 30) || 30;
  // OAuth2 password-flow clients post a form, as upstream's FastAPI endpoint accepted.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  for (const url of ['/api/v1/auth/login', '/api/v1/auth/token']) {
    app.post(
      url,
      {
        config: { public: true, rateLimit: { max: 30, timeWindow: '1 minute' } },
        schema: {
          tags: ['opmas auth'],
          summary: 'Exchange a username and password for a bearer token',
          body: Credentials,
          response: { 200: TokenResponse, ...errorResponses },
        },
      },
      async (request) => {
        const { username, password } = request.body;
        let user: Awaited<ReturnType<typeof kernel.identity.verifyCredentials>>;
        try {
          user = await kernel.identity.verifyCredentials(username, password, clientMeta(request));
        } catch (error) {
          if (error instanceof AppError && error.statusCode === 401) {
            await kernel.audit.record(auditContextOf(request), {
              action: 'opmas.auth.login_failed',
              targetType: 'user',
              after: { username },
            });
            throw new AppError(401, 'invalid_credentials', 'wrong username or password');
          }
          throw error;
        }
        const principal = await kernel.identity.principalOf(user, 'api_token');
        const scopes = opmasScopes(principal.grants);
        if (scopes.length === 0) throw new AppError(403, 'forbidden', 'this user has no OPMAS permission');
        const expiresAt = new Date(Date.now() + ttlMinutes * 60_000);
        const { token } = await kernel.identity.createApiToken(principal, { name: 'opmas login', scopes, expiresAt });
        await kernel.audit.record(
          { ...auditContextOf(request), principal },
          { action: 'opmas.auth.login', targetType: 'user', targetId: user.id },
        );
        return { access_token: token, token_type: 'bearer' as const, expires_in: ttlMinutes * 60 };
      },
    );
  }

  app.get(
    '/api/v1/auth/me',
    { schema: { tags: ['opmas auth'], summary: 'The caller', response: { 200: CurrentUser, ...errorResponses } } },
    async (request) => {
      if (!request.principal) throw new AppError(401, 'unauthorized', 'sign in required');
      return presentPrincipal(request.principal);
    },
  );

  app.post(
    '/api/v1/auth/register',
    {
      schema: {
        tags: ['opmas auth'],
        summary: 'Create a user (administrators only; open self-registration is not offered)',
        body: Registration,
        response: { 201: CurrentUser, ...errorResponses },
      },
    },
    async (request, reply) => {
      // The kernel's user-management permission (spec: `platform:users:create`).
      request.authorize('platform:admin:manage');
      const user = await kernel.identity.createUser({
        username: request.body.username,
        password: request.body.password,
        email: request.body.email,
        roles: ['viewer'],
      });
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.auth.register',
        targetType: 'user',
        targetId: user.id,
      });
      return reply.code(201).send(presentPrincipal(await kernel.identity.principalOf(user, 'session')));
    },
  );
};
