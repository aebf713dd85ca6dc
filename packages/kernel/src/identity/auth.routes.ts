import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { auditContextOf } from '../audit/audit-context.ts';
import { errorResponses } from '../http/error-shape.schema.ts';
import { AppError } from '../http/errors.ts';
import type { Kernel } from '../kernel.ts';
import { SESSION_COOKIE } from './authenticate.plugin.ts';
import { presentPrincipal } from './identity.presenter.ts';
import { AuthProviders, Credentials, CurrentUser, OneTimeSignIn, SignedIn } from './identity.schema.ts';
import { clientMeta } from './identity.service.ts';
import type { UserRow } from './user.repository.ts';

const signInRateLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/** Local sign-in, one-time links, sign-out and "who am I". OIDC lives in oidc.routes.ts. */
export const authRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { identity, config, audit } = kernel;
  const secureCookies = config.production || config.publicUrl.startsWith('https://');

  const setSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies,
      path: '/',
      maxAge: config.sessionTtlHours * 3600,
    });

  /** Sets the session cookie, audits the sign-in as the user who signed in, and answers with that user. */
  const completeSignIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    { user, sessionToken }: { user: UserRow; sessionToken: string },
    action: string,
  ) => {
    setSession(reply, sessionToken);
    const principal = await identity.principalOf(user, 'session');
    await audit.record(
      { ...auditContextOf(request), principal },
      { action, targetType: 'user', targetId: user.id, after: { username: user.username } },
    );
    return { user: presentPrincipal(principal) };
  };

  app.get(
    '/auth/providers',
    {
      config: { public: true },
      schema: { tags: ['auth'], summary: 'How users can sign in', response: { 200: AuthProviders } },
    },
    async () => ({
      mode: config.authMode,
      local: config.authMode === 'local' || config.authMode === 'oidc',
      providers:
        config.oidc && config.authMode === 'oidc'
          ? [{ id: 'oidc', name: config.oidc.providerName, loginUrl: 'auth/oidc/login' }]
          : [],
    }),
  );

  app.post(
    '/auth/login',
    {
      config: { public: true, ...signInRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with username and password',
        body: Credentials,
        response: { 200: SignedIn, ...errorResponses },
      },
    },
    async (request, reply) => {
      if (config.authMode !== 'local' && config.authMode !== 'oidc') {
        throw new AppError(
          400,
          'local_login_disabled',
          `password sign-in is not available with AUTH_MODE=${config.authMode}`,
        );
      }
      try {
        const signIn = await identity.login(request.body.username, request.body.password, clientMeta(request));
        return await completeSignIn(request, reply, signIn, 'auth.login');
      } catch (error) {
        if (error instanceof AppError && error.statusCode === 401) {
          await audit.record(auditContextOf(request), {
            action: 'auth.login_failed',
            targetType: 'user',
            after: { username: request.body.username },
          });
        }
        throw error;
      }
    },
  );

  app.post(
    '/auth/one-time',
    {
      config: { public: true, ...signInRateLimit },
      schema: {
        tags: ['auth'],
        summary: 'Redeem a one-time sign-in link',
        body: OneTimeSignIn,
        response: { 200: SignedIn, ...errorResponses },
      },
    },
    async (request, reply) => {
      const signIn = await identity.consumeOneTimeLink(request.body.token, clientMeta(request));
      return completeSignIn(request, reply, signIn, 'auth.one_time_login');
    },
  );

  app.post(
    '/auth/logout',
    { config: { public: true }, schema: { tags: ['auth'], summary: 'Sign out', response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (request.principal?.sessionTokenHash) {
        await identity.endSession(request.principal.sessionTokenHash);
        await audit.record(auditContextOf(request), {
          action: 'auth.logout',
          targetType: 'user',
          targetId: request.principal.userId,
        });
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    { schema: { tags: ['auth'], summary: 'The signed-in user', response: { 200: CurrentUser, ...errorResponses } } },
    async (request) => presentPrincipal(request.principal!),
  );
};
