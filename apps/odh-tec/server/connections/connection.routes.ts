import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { auditedConnection, presentConnection } from './connection.presenter.ts';
import {
  ConnectionIdParams,
  ConnectionTestResult,
  ConnectionView,
  CreateConnection,
  TestConnectionBody,
  UpdateConnection,
} from './connection.schema.ts';
import type { ConnectionService } from './connection.service.ts';

const connectionNotFound = () => new AppError(404, 'not_found', 'connection not found');
const tags = ['odh-tec settings'];
const targetType = 'odh-tec.s3_connection';

/** `/api/settings/connections`: named S3 connections of the signed-in user (spec 01-odh-tec "API", M13). */
export const connectionRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; connections: ConnectionService }> = async (
  app,
  { kernel, connections },
) => {
  const { audit } = kernel;

  app.get(
    '/api/settings/connections',
    {
      schema: {
        tags,
        summary: 'My S3 connections (secrets masked)',
        response: { 200: Type.Object({ items: Type.Array(ConnectionView) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      return { items: (await connections.repository.listForOwner(principal.userId)).map(presentConnection) };
    },
  );

  app.post(
    '/api/settings/connections',
    {
      schema: {
        tags,
        summary: 'Add an S3 connection',
        body: CreateConnection,
        response: { 201: ConnectionView, ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      const row = await connections.create(principal.userId, request.body);
      await audit.record(auditContextOf(request), {
        action: 'odh-tec.connection.create',
        targetType,
        targetId: row.id,
        after: auditedConnection(row),
      });
      return reply.status(201).send(presentConnection(row));
    },
  );

  app.post(
    '/api/settings/connections/test',
    {
      schema: {
        tags,
        summary: 'Test S3 settings before saving them',
        body: TestConnectionBody,
        response: { 200: ConnectionTestResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.settingsManage);
      return connections.testUnsaved(request.body);
    },
  );

  app.get(
    '/api/settings/connections/:id',
    {
      schema: {
        tags,
        summary: 'One S3 connection (secret masked)',
        params: ConnectionIdParams,
        response: { 200: ConnectionView, ...errorResponses },
      },
    },
    async (request) =>
      presentConnection(
        await connections.load(request, PERMISSIONS.settingsManage, request.params.id, connectionNotFound),
      ),
  );

  app.put(
    '/api/settings/connections/:id',
    {
      schema: {
        tags,
        summary: 'Replace the settings of an S3 connection',
        params: ConnectionIdParams,
        body: UpdateConnection,
        response: { 200: ConnectionView, ...errorResponses },
      },
    },
    async (request) => {
      const row = await connections.load(request, PERMISSIONS.settingsManage, request.params.id, connectionNotFound);
      const updated = await connections.update(row, request.body);
      await audit.record(auditContextOf(request), {
        action: 'odh-tec.connection.update',
        targetType,
        targetId: row.id,
        before: auditedConnection(row),
        after: { ...auditedConnection(updated), secretChanged: updated.secretAccessKeyEnc !== row.secretAccessKeyEnc },
      });
      return presentConnection(updated);
    },
  );

  app.delete(
    '/api/settings/connections/:id',
    {
      schema: {
        tags,
        summary: 'Delete an S3 connection',
        params: ConnectionIdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const row = await connections.load(request, PERMISSIONS.settingsManage, request.params.id, connectionNotFound);
      const deleted = await connections.repository.delete(row.createdBy, row.id);
      if (!deleted) throw connectionNotFound();
      await audit.record(auditContextOf(request), {
        action: 'odh-tec.connection.delete',
        targetType,
        targetId: row.id,
        before: auditedConnection(row),
      });
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/settings/connections/:id/test',
    {
      schema: {
        tags,
        summary: 'Test a saved S3 connection',
        params: ConnectionIdParams,
        response: { 200: ConnectionTestResult, ...errorResponses },
      },
    },
    async (request) => {
      const row = await connections.load(request, PERMISSIONS.settingsManage, request.params.id, connectionNotFound);
      return connections.testSaved(row);
    },
  );
};
