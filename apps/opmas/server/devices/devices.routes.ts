import { isIP } from 'node:net';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { badRequest, notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { isValidTimeZone } from '../ingest/local-time.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { saveCredential } from '../orchestrator/device-target.ts';
import { deviceColumns, presentDevice } from './device.presenter.ts';
import {
  CreateDevice,
  DeviceIdParams,
  DeviceList,
  DeviceListQuery,
  DeviceView,
  UpdateDevice,
} from './device.schema.ts';
import type { DeviceService } from './device.service.ts';

const tags = ['opmas devices'];
const targetType = 'opmas.device';
const deviceNotFound = () => notFound('device');

/** Values JSON Schema cannot check: IANA zone names and IP literals (spec "Bad input": 400 `invalid_timezone`). */
function assertDeviceValues(body: CreateDevice | UpdateDevice): void {
  if (body.timezone !== undefined && !isValidTimeZone(body.timezone)) {
    throw badRequest(`unknown time zone ${body.timezone}`, undefined, 'invalid_timezone');
  }
  if (body.ip_address !== undefined && isIP(body.ip_address) === 0) {
    throw badRequest('ip_address is not an IP address', undefined, 'invalid_source_ip');
  }
}

/** `/api/v1/devices` CRUD (spec 02-opmas "API"); devices are shared by everyone holding the permissions. */
export const deviceRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; devices: DeviceService }> = async (
  app,
  { kernel, devices },
) => {
  /** A key or password in the body is stored encrypted (admins only) and audited without its value. */
  const storeCredential = async (
    request: FastifyRequest,
    deviceId: string,
    ssh: { private_key?: string; password?: string } | undefined,
  ) => {
    if (!ssh?.private_key && !ssh?.password) return;
    request.authorize(PERMISSIONS.credentialsWrite);
    await saveCredential(kernel.db.orm, kernel.secrets, deviceId, ssh, request.principal?.userId ?? null);
    await kernel.audit.record(auditContextOf(request), {
      action: 'opmas.device.credential',
      targetType,
      targetId: deviceId,
      after: { kind: ssh.private_key ? 'private_key' : 'password' },
    });
  };
  app.get(
    '/api/v1/devices',
    {
      schema: {
        tags,
        summary: 'Devices',
        querystring: DeviceListQuery,
        response: { 200: DeviceList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      const limit = request.query.limit ?? 50;
      const { rows, total } = await devices.repository.list(limit, request.query.cursor);
      const last = rows.at(-1);
      return { items: rows.map(presentDevice), next_cursor: rows.length === limit && last ? last.slug : null, total };
    },
  );

  app.post(
    '/api/v1/devices',
    {
      schema: {
        tags,
        summary: 'Register a device',
        body: CreateDevice,
        response: { 201: DeviceView, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.devicesWrite);
      assertDeviceValues(request.body);
      const row = await devices.create({ ...deviceColumns(request.body), acknowledged: true });
      await storeCredential(request, row.id, request.body.ssh);
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.device.create',
        targetType,
        targetId: row.id,
        after: presentDevice(row),
      });
      return reply.status(201).send(presentDevice(row));
    },
  );

  app.get(
    '/api/v1/devices/:id',
    {
      schema: { tags, summary: 'One device', params: DeviceIdParams, response: { 200: DeviceView, ...errorResponses } },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      const row = await devices.repository.findById(request.params.id);
      if (!row) throw deviceNotFound();
      return presentDevice(row);
    },
  );

  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/api/v1/devices/:id',
      schema: {
        tags,
        summary: 'Change a device (only the fields sent)',
        params: DeviceIdParams,
        body: UpdateDevice,
        response: { 200: DeviceView, ...errorResponses },
      },
      handler: async (request) => {
        request.authorize(PERMISSIONS.devicesWrite);
        assertDeviceValues(request.body);
        const before = await devices.repository.findById(request.params.id);
        if (!before) throw deviceNotFound();
        const row = await devices.update(before.id, deviceColumns(request.body));
        if (!row) throw deviceNotFound();
        await storeCredential(request, row.id, request.body.ssh);
        await kernel.audit.record(auditContextOf(request), {
          action: 'opmas.device.update',
          targetType,
          targetId: row.id,
          before: presentDevice(before),
          after: presentDevice(row),
        });
        return presentDevice(row);
      },
    });
  }

  app.delete(
    '/api/v1/devices/:id',
    {
      schema: {
        tags,
        summary: 'Delete a device',
        params: DeviceIdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.devicesWrite);
      const row = await devices.delete(request.params.id);
      if (!row) throw deviceNotFound();
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.device.delete',
        targetType,
        targetId: row.id,
        before: presentDevice(row),
      });
      return reply.status(204).send(null);
    },
  );
};
