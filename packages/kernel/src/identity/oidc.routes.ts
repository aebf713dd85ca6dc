import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import * as client from 'openid-client';
import { Type } from 'typebox';
import { auditContextOf } from '../audit/audit-context.ts';
import { AppError } from '../http/errors.ts';
import type { Kernel } from '../kernel.ts';
import { SESSION_COOKIE } from './authenticate.plugin.ts';
import { clientMeta } from './identity.service.ts';

const FLOW_COOKIE = 'platform_oidc_flow';
const FLOW_TTL_SECONDS = 600;

interface Flow {
  verifier: string;
  state: string;
  nonce: string;
  returnTo: string;
}

/**
 * OIDC sign-in, authorization code + PKCE (RFC 7636). The PKCE verifier, state and nonce travel in a short-lived,
 * Fernet-encrypted HttpOnly cookie, never in a URL; the browser only ever receives our own session cookie.
 */
export const oidcRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { config, identity, secrets, audit } = kernel;
  const oidc = config.oidc;
  if (config.authMode !== 'oidc' || !oidc) return;
  const secure = config.production || config.publicUrl.startsWith('https://');
  const redirectUri = `${config.publicUrl}/auth/oidc/callback`;
  let discovered: Promise<client.Configuration> | undefined;

  const configuration = () => {
    discovered ??= client
      .discovery(new URL(oidc.issuer), oidc.clientId, oidc.clientSecret, undefined, {
        // Plain http is only for issuers on this machine (local test providers); everything else must be https.
        execute: new URL(oidc.issuer).protocol === 'http:' ? [client.allowInsecureRequests] : [],
      })
      .catch((error) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };

  app.get(
    '/auth/oidc/login',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: {
        tags: ['auth'],
        summary: 'Start OIDC sign-in',
        querystring: Type.Object({ returnTo: Type.Optional(Type.String({ pattern: '^/[^/\\\\]', maxLength: 500 })) }),
      },
    },
    async (request, reply) => {
      const flow: Flow = {
        verifier: client.randomPKCECodeVerifier(),
        state: client.randomState(),
        nonce: client.randomNonce(),
        returnTo: request.query.returnTo ?? '/',
      };
      const url = client.buildAuthorizationUrl(await configuration(), {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      reply.setCookie(FLOW_COOKIE, secrets.encrypt(JSON.stringify(flow)), {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/auth/oidc',
        maxAge: FLOW_TTL_SECONDS,
      });
      return reply.redirect(url.href, 302);
    },
  );

  app.get(
    '/auth/oidc/callback',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: '1 minute' } },
      schema: { tags: ['auth'], summary: 'OIDC redirect target' },
    },
    async (request, reply) => {
      const sealed = request.cookies[FLOW_COOKIE];
      if (!sealed)
        throw new AppError(400, 'oidc_flow_missing', 'sign-in took too long or was started elsewhere; start again');
      let flow: Flow;
      try {
        flow = JSON.parse(secrets.decrypt(sealed, { ttlSeconds: FLOW_TTL_SECONDS }).toString('utf8'));
      } catch {
        throw new AppError(400, 'oidc_flow_invalid', 'sign-in state is invalid; start again');
      }
      reply.clearCookie(FLOW_COOKIE, { path: '/auth/oidc' });
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      let claims: { sub: string; [claim: string]: unknown };
      try {
        tokens = await client.authorizationCodeGrant(await configuration(), new URL(request.url, config.publicUrl), {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
        const idToken = tokens.claims()!;
        // With response_type=code a conforming provider may put email/profile claims only in UserInfo (OIDC Core §5.4).
        claims =
          typeof idToken.email === 'string'
            ? idToken
            : { ...(await client.fetchUserInfo(await configuration(), tokens.access_token, idToken.sub)), ...idToken };
      } catch (error) {
        request.log.warn({ err: error }, 'OIDC code exchange failed');
        throw new AppError(401, 'oidc_failed', 'the identity provider did not confirm the sign-in');
      }
      const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined;
      if (oidc.allowedDomains.length) {
        const domain = email?.split('@')[1];
        if (!domain || claims.email_verified === false || !oidc.allowedDomains.includes(domain)) {
          throw new AppError(403, 'domain_not_allowed', 'this account is not allowed to sign in here');
        }
      }
      const principal = await identity.principalFromExternal(
        `oidc:${oidc.issuer}`,
        claims.sub,
        email,
        typeof claims.name === 'string' ? claims.name : undefined,
        'session',
      );
      if (!principal) throw new AppError(403, 'account_disabled', 'this account is deactivated');
      const user = (await identity.users.findById(principal.userId))!;
      const token = await identity.startSession(user, clientMeta(request));
      reply.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'lax',
        secure,
        path: '/',
        maxAge: config.sessionTtlHours * 3600,
      });
      await audit.record(
        { ...auditContextOf(request), principal },
        { action: 'auth.oidc_login', targetType: 'user', targetId: user.id },
      );
      return reply.redirect(flow.returnTo, 302);
    },
  );
};
