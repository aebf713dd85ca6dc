import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { badRequest, notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { IngestRuntime } from '../ingest/ingest-runtime.ts';
import { isValidTimeZone } from '../ingest/local-time.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { presentDevice } from './device.presenter.ts';
import { DeviceIdParams } from './device.schema.ts';
import { configurationColumns, presentConfiguration } from './device-operations.presenter.ts';
import {
  DeviceConfigurationView,
  DeviceMetricsView,
  DeviceStatusView,
  DiscoverDevices,
  DiscoveredDevices,
  SetDeviceStatus,
  SyslogSetupQuery,
  SyslogSetupView,
  UpdateDeviceConfiguration,
} from './device-operations.schema.ts';
import { DeviceOperationsService, syslogTarget } from './device-operations.service.ts';
import { syslogSetupCommands } from './syslog-setup.ts';

const tags = ['opmas devices'];
const targetType = 'opmas.device';
const DEVICE = '/api/v1/devices/:id';

/** Device status and maintenance, metrics, configuration, syslog setup and discovery (spec 02-opmas "API"). */
export const deviceOperationRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel; ingest: IngestRuntime }> = async (
  app,
  { kernel, ingest },
) => {
  const { devices } = ingest;
  const operations = new DeviceOperationsService(kernel.db.orm, devices);
  const deviceOr404 = async (id: string) => {
    const row = await devices.repository.findById(id);
    if (!row) throw notFound('device');
    return row;
  };

  app.get(
    `${DEVICE}/status`,
    {
      schema: {
        tags,
        summary: 'Status, last message, messages in 5 min and open findings',
        params: DeviceIdParams,
        response: { 200: DeviceStatusView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      return operations.status(await deviceOr404(request.params.id));
    },
  );

  app.post(
    `${DEVICE}/status`,
    {
      schema: {
        tags,
        summary: 'Enter or leave maintenance (maintenance: playbooks only observe)',
        params: DeviceIdParams,
        body: SetDeviceStatus,
        response: { 200: DeviceStatusView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesWrite);
      const before = await deviceOr404(request.params.id);
      const after = await operations.setStatus(before, request.body.status);
      if (!after) throw notFound('device');
      if (after.status !== before.status) {
        // spec "SSH executor": mode changes are audited; maintenance caps the device's mode at observe.
        await kernel.audit.record(auditContextOf(request), {
          action: 'opmas.device.status',
          targetType,
          targetId: after.id,
          before: { status: before.status },
          after: { status: after.status },
        });
      }
      return operations.status(after);
    },
  );

  app.get(
    `${DEVICE}/metrics`,
    {
      schema: {
        tags,
        summary: 'Messages per minute over the last 24 h by severity',
        params: DeviceIdParams,
        response: { 200: DeviceMetricsView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      return operations.metrics(await deviceOr404(request.params.id));
    },
  );

  app.get(
    `${DEVICE}/configuration`,
    {
      schema: {
        tags,
        summary: 'OPMAS-side settings of the device',
        params: DeviceIdParams,
        response: { 200: DeviceConfigurationView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      return presentConfiguration(await deviceOr404(request.params.id));
    },
  );

  app.put(
    `${DEVICE}/configuration`,
    {
      schema: {
        tags,
        summary: 'Change the OPMAS-side settings (only the fields sent)',
        params: DeviceIdParams,
        body: UpdateDeviceConfiguration,
        response: { 200: DeviceConfigurationView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesWrite);
      const { timezone } = request.body;
      // spec "Bad input": an unknown zone is 400 `invalid_timezone`, as on the device PUT.
      if (typeof timezone === 'string' && !isValidTimeZone(timezone)) {
        throw badRequest(`unknown time zone ${timezone}`, undefined, 'invalid_timezone');
      }
      const before = await deviceOr404(request.params.id);
      const after = await devices.update(before.id, configurationColumns(request.body));
      if (!after) throw notFound('device');
      await kernel.audit.record(auditContextOf(request), {
        action: 'opmas.device.configure',
        targetType,
        targetId: after.id,
        before: presentConfiguration(before),
        after: presentConfiguration(after),
      });
      return presentConfiguration(after);
    },
  );

  app.get(
    `${DEVICE}/syslog-setup`,
    {
      schema: {
        tags,
        summary: 'UCI commands that send the router’s logs to OPMAS',
        params: DeviceIdParams,
        querystring: SyslogSetupQuery,
        response: { 200: SyslogSetupView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesRead);
      const device = await deviceOr404(request.params.id);
      const target = syslogTarget(request.query, ingest.listenerStatuses(), request.hostname, device);
      const commands = syslogSetupCommands(target);
      return {
        device_id: device.id,
        host: target.host,
        port: target.port,
        transport: target.transport,
        commands,
        script: `${commands.join('\n')}\n`,
      };
    },
  );

  app.post(
    '/api/v1/devices/discover',
    {
      schema: {
        tags,
        summary: 'Auto-registered devices not acknowledged yet; acknowledges the ids sent',
        body: DiscoverDevices,
        response: { 200: DiscoveredDevices, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.devicesWrite);
      const { acknowledged, discovered } = await operations.discover(request.body.acknowledge ?? []);
      for (const row of acknowledged) {
        await kernel.audit.record(auditContextOf(request), {
          action: 'opmas.device.acknowledge',
          targetType,
          targetId: row.id,
          after: { acknowledged: true },
        });
      }
      return { discovered: discovered.map(presentDevice), acknowledged: acknowledged.map((row) => row.id) };
    },
  );
};
