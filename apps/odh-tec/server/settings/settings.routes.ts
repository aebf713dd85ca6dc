import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { ConnectionService } from '../connections/connection.service.ts';
import type { LocationService } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { bookmarkRoutes } from './bookmark.routes.ts';
import { disclaimerRoutes } from './disclaimer.routes.ts';
import { runProxyTest, whoami } from './outbound-checks.ts';
import { presentSettings } from './settings.presenter.ts';
import {
  HfTestBody,
  HfTestResult,
  HfTokenBody,
  ProxyTestBody,
  ProxyTestResult,
  SettingsPatchBody,
  SettingsView,
} from './settings.schema.ts';
import { type SettingsService, settingsServiceOf } from './settings.service.ts';
import { settingsAliasRoutes } from './settings-alias.routes.ts';
import { auditHfTokenChange, auditSettingsChange } from './settings-audit.ts';

const tags = ['odh-tec settings'];

/** Outbound tests (S3, Hub, proxy) per user and minute (spec "Bad input and security": tests 10/min). */
export const TESTS_PER_MINUTE = 10;

export interface SettingsRouteOptions {
  kernel: Kernel;
  connections: ConnectionService;
  locations: LocationService;
}

/** Options of the route groups this plugin registers. */
export interface SettingsContext extends SettingsRouteOptions {
  settings: SettingsService;
  /** preHandler that answers 429 `rate_limited` past TESTS_PER_MINUTE test calls of one user, all test routes together */
  testRateLimit: (request: FastifyRequest, reply: unknown) => Promise<void>;
}

/**
 * `/api/settings`, the Hub token, the outbound tests, the disclaimer, bucket bookmarks and the v2.1.1 settings aliases
 * (spec 01-odh-tec M13, M14). Settings are global: reading needs any ODH-TEC permission, changing `settings:manage`.
 */
export const settingsRoutes: FastifyPluginAsyncTypebox<SettingsRouteOptions> = async (app, options) => {
  const { kernel, connections, locations } = options;
  const settings = settingsServiceOf(kernel);
  await settings.ready();
  app.addHook('onClose', async () => settings.close());
  const testRateLimit = app.rateLimit({
    max: TESTS_PER_MINUTE,
    timeWindow: '1 minute',
    keyGenerator: (request) => request.principal?.userId ?? request.ip,
  }) as SettingsContext['testRateLimit'];
  const context: SettingsContext = { ...options, settings, testRateLimit };

  app.get(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'All settings (secrets masked)',
        response: { 200: SettingsView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.objectsRead);
      return presentSettings(
        settings.get(),
        await connections.repository.listForOwner(principal.userId),
        await settings.huggingface(),
        locations.defaultLocationId(),
      );
    },
  );

  app.patch(
    '/api/settings',
    {
      schema: {
        tags,
        summary: 'Change settings; every process applies them',
        body: SettingsPatchBody,
        response: { 200: SettingsView, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      const before = settings.get();
      const after = await settings.update(request.body, principal.userId);
      await auditSettingsChange(kernel, request, before, after);
      return presentSettings(
        after,
        await connections.repository.listForOwner(principal.userId),
        await settings.huggingface(),
        locations.defaultLocationId(),
      );
    },
  );

  app.put(
    '/api/settings/huggingface/token',
    {
      schema: {
        tags,
        summary: 'Save the Hugging Face token (write-only; "" clears it)',
        body: HfTokenBody,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      await auditHfTokenChange(kernel, request, await settings.setHfToken(request.body.hfToken, principal.userId));
      return reply.status(204).send(null);
    },
  );

  app.delete(
    '/api/settings/huggingface/token',
    {
      schema: { tags, summary: 'Remove the Hugging Face token', response: { 204: Type.Null(), ...errorResponses } },
    },
    async (request, reply) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      await auditHfTokenChange(kernel, request, await settings.setHfToken('', principal.userId));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/settings/huggingface/test',
    {
      preHandler: testRateLimit,
      schema: {
        tags,
        summary: 'Check a Hugging Face token with whoami',
        body: HfTestBody,
        response: { 200: HfTestResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.settingsManage);
      const token = await settings.hfTokenToTest(request.body?.hfToken);
      return { ok: true, ...(await whoami(settings.hfEndpoint(), token)) };
    },
  );

  app.post(
    '/api/settings/proxy/test',
    {
      preHandler: testRateLimit,
      schema: {
        tags,
        summary: 'Fetch a URL through the proxy settings (no redirects, body discarded)',
        body: ProxyTestBody,
        response: { 200: ProxyTestResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.settingsManage);
      return runProxyTest(settings.get().proxy, request.body);
    },
  );

  await app.register(disclaimerRoutes, { settings });
  await app.register(bookmarkRoutes, { kernel, locations });
  await app.register(settingsAliasRoutes, context);
};
