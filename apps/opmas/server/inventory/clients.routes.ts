import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { type Static, Type } from 'typebox';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { InventoryRepository } from './inventory.repository.ts';
import type { ClientRow } from './inventory.tables.ts';

const ClientView = Type.Object({
  device_id: Type.String({ description: 'device that leased the address' }),
  mac: Type.String({ description: 'client MAC, lower-case colon form' }),
  ip: Type.Union([Type.String(), Type.Null()], { description: 'last leased address' }),
  hostname: Type.Union([Type.String(), Type.Null()], { description: 'name the client sent' }),
  iface: Type.Union([Type.String(), Type.Null()], { description: 'DHCP interface' }),
  first_seen: Type.String({ description: 'ISO 8601' }),
  last_seen: Type.String({ description: 'ISO 8601' }),
});
const ClientList = Type.Object({ items: Type.Array(ClientView, { description: 'most recently seen first' }) });
const ClientQuery = Type.Object({
  mac: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F:]{17}$', description: 'exact MAC' })),
  ip: Type.Optional(Type.String({ maxLength: 45, description: 'exact address' })),
  hostname: Type.Optional(Type.String({ maxLength: 253, description: 'exact name' })),
});
type ClientQuery = Static<typeof ClientQuery>;

const present = (row: ClientRow): Static<typeof ClientView> => ({
  device_id: row.deviceId,
  mac: row.mac,
  ip: row.ip,
  hostname: row.hostname,
  iface: row.iface,
  first_seen: row.firstSeen.toISOString(),
  last_seen: row.lastSeen.toISOString(),
});

/** `/api/v1/clients` and `/api/v1/devices/{id}/clients` (spec 02-opmas "API"): the client inventory. */
export const clientRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const repository = new InventoryRepository(kernel.db.orm);
  app.get(
    '/api/v1/clients',
    {
      schema: {
        tags: ['opmas devices'],
        summary: 'Client inventory search (mac ↔ ip ↔ hostname)',
        querystring: ClientQuery,
        response: { 200: ClientList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      return { items: (await repository.find(request.query as ClientQuery)).map(present) };
    },
  );
  app.get(
    '/api/v1/devices/:id/clients',
    {
      schema: {
        tags: ['opmas devices'],
        summary: 'Clients of one device',
        params: Type.Object({ id: Type.String({ format: 'uuid', description: 'device id' }) }),
        response: { 200: ClientList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      return { items: (await repository.find({ device_id: request.params.id })).map(present) };
    },
  );
};
