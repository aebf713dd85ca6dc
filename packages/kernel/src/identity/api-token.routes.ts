import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditContextOf } from '../audit/audit-context.ts';
import { errorResponses } from '../http/error-shape.schema.ts';
import { notFound } from '../http/errors.ts';
import type { Kernel } from '../kernel.ts';
import { presentApiToken } from './identity.presenter.ts';
import { ApiTokenView, CreateApiToken, CreatedApiToken, IdParams } from './identity.schema.ts';
import { hasPermission } from './principal.ts';

/** Personal API tokens: shown once, stored as SHA-256, scoped, expiring. */
export const apiTokenRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { identity, audit } = kernel;

  app.get(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'My API tokens',
        response: { 200: Type.Object({ items: Type.Array(ApiTokenView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize('platform:tokens:manage');
      return { items: (await identity.tokens.listForOwner(principal.userId)).map(presentApiToken) };
    },
  );

  app.get(
    '/auth/scopes',
    {
      schema: {
        tags: ['auth'],
        summary: 'Scopes I can give a token',
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ scope: Type.String(), description: Type.String() })) }),
        },
      },
    },
    async (request) => {
      const principal = request.authorize('platform:tokens:manage');
      const rows = await identity.roles.listPermissions();
      return {
        items: rows
          .filter((row) => hasPermission({ ...principal, scopes: undefined }, row.permission))
          .map((row) => ({ scope: row.permission, description: row.description })),
      };
    },
  );

  app.post(
    '/auth/tokens',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an API token',
        body: CreateApiToken,
        response: { 201: CreatedApiToken, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.authorize('platform:tokens:manage');
      const { token, row } = await identity.createApiToken(principal, request.body);
      await audit.record(auditContextOf(request), {
        action: 'token.create',
        targetType: 'api_token',
        targetId: row.id,
        after: { name: row.name, prefix: row.prefix, scopes: row.scopes, expiresAt: row.expiresAt },
      });
      return reply.status(201).send({ token, item: presentApiToken(row) });
    },
  );

  app.delete(
    '/auth/tokens/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Revoke an API token',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.authorize('platform:tokens:manage');
      const row = await identity.tokens.revoke(principal.userId, request.params.id);
      if (!row) throw notFound('token');
      await audit.record(auditContextOf(request), {
        action: 'token.revoke',
        targetType: 'api_token',
        targetId: row.id,
        before: { name: row.name },
      });
      return reply.status(204).send(null);
    },
  );
};
