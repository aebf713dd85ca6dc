import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { auditContextOf } from '../audit/audit-context.ts';
import { errorResponses } from '../http/error-shape.schema.ts';
import type { Kernel } from '../kernel.ts';
import { CreateUser, PermissionView, RoleParams, RoleView, UpdateRole, UpdateUser, UserView } from './admin.schema.ts';
import { presentUser } from './identity.presenter.ts';
import { IdParams } from './identity.schema.ts';

const ADMIN = 'platform:admin:manage';

/** Platform administration: users, roles, permissions. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const { identity, audit } = kernel;
  const tags = ['platform'];

  app.get(
    '/platform/api/users',
    { schema: { tags, response: { 200: Type.Object({ items: Type.Array(UserView) }), ...errorResponses } } },
    async (request) => {
      request.authorize(ADMIN);
      return { items: (await identity.users.list()).map(presentUser) };
    },
  );

  app.post(
    '/platform/api/users',
    { schema: { tags, body: CreateUser, response: { 201: UserView, ...errorResponses } } },
    async (request, reply) => {
      request.authorize(ADMIN);
      const user = await identity.createUser(request.body);
      await audit.record(auditContextOf(request), {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        after: presentUser(user),
      });
      return reply.status(201).send(presentUser(user));
    },
  );

  app.patch(
    '/platform/api/users/:id',
    { schema: { tags, params: IdParams, body: UpdateUser, response: { 200: UserView, ...errorResponses } } },
    async (request) => {
      request.authorize(ADMIN);
      const { before, after } = await identity.updateUser(request.params.id, request.body);
      await audit.record(auditContextOf(request), {
        action: 'user.update',
        targetType: 'user',
        targetId: after.id,
        before: presentUser(before),
        after: { ...presentUser(after), passwordChanged: request.body.password !== undefined },
      });
      return presentUser(after);
    },
  );

  app.get(
    '/platform/api/roles',
    { schema: { tags, response: { 200: Type.Object({ items: Type.Array(RoleView) }), ...errorResponses } } },
    async (request) => {
      request.authorize(ADMIN);
      return { items: await identity.roles.list() };
    },
  );

  app.put(
    '/platform/api/roles/:name',
    { schema: { tags, params: RoleParams, body: UpdateRole, response: { 200: RoleView, ...errorResponses } } },
    async (request) => {
      request.authorize(ADMIN);
      const before = await identity.roles.find(request.params.name);
      const after = await identity.roles.upsert({
        name: request.params.name,
        ...request.body,
        builtIn: before?.builtIn ?? false,
      });
      await audit.record(auditContextOf(request), {
        action: before ? 'role.update' : 'role.create',
        targetType: 'role',
        targetId: after.name,
        before,
        after,
      });
      return after;
    },
  );

  app.get(
    '/platform/api/permissions',
    { schema: { tags, response: { 200: Type.Object({ items: Type.Array(PermissionView) }), ...errorResponses } } },
    async (request) => {
      request.authorize(ADMIN);
      return { items: await identity.roles.listPermissions() };
    },
  );
};
