import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError, badRequest, conflict } from '@platform/kernel/http/errors.ts';
import type { FastifyRequest } from 'fastify';
import { auditedConnection, maskSecret } from '../connections/connection.presenter.ts';
import { ENV_LOCATION, envConnectionOf } from '../locations/location.service.ts';
import { PERMISSIONS } from '../odh-tec.permissions.ts';
import { runProxyTest, whoami } from './outbound-checks.ts';
import { maskedProxy } from './proxy-config.ts';
import { maskedHfToken } from './settings.presenter.ts';
import type { SettingsContext } from './settings.routes.ts';
import { isMaskedSecret, type SettingsPatch, secretHint } from './settings.service.ts';
import {
  HfAliasBody,
  HfAliasTestBody,
  HfAliasTestResult,
  HfSettingsAlias,
  MaxConcurrentTransfersAlias,
  MaxFilesPerPageAlias,
  ProxyAliasBody,
  ProxyAliasTestBody,
  ProxySettingsAlias,
  S3SettingsAlias,
  S3SettingsAliasBody,
  UpstreamMessage,
} from './settings-alias.schema.ts';
import { auditHfTokenChange, auditSettingsChange } from './settings-audit.ts';

const tags = ['odh-tec settings (v2.1.1 aliases)'];
const UPDATED = { message: 'Settings updated successfully' };
const SUCCESS = { message: 'Connection successful' };
const DB_DEFAULT_NAME = 'Data connection';

/** A failed test of an alias route: 400 `connection_test_failed` (spec "API", v2.1.1 settings aliases). */
const testFailed = (message: string, details: Record<string, unknown>) =>
  new AppError(400, 'connection_test_failed', message, details);

/**
 * The v2.1.1 settings routes with their upstream bodies: `/s3` maps to the connection `default` (a DB connection of
 * that id overrides the env one), the others to the global settings and the Hub token. Secrets stay masked.
 */
export const settingsAliasRoutes: FastifyPluginAsyncTypebox<SettingsContext> = async (app, context) => {
  const { kernel, connections, settings, testRateLimit } = context;
  const env = () => envConnectionOf(kernel.config.env);

  /** The user's own DB connection `default`, if any. */
  const ownDefault = async (userId: string) => {
    const row = await connections.repository.findById(ENV_LOCATION);
    return row?.createdBy === userId ? row : undefined;
  };

  /** Applies a settings change made through an alias, audited like PATCH `/api/settings`. */
  const change = async (request: FastifyRequest, patch: SettingsPatch) => {
    const principal = request.authorize(PERMISSIONS.settingsManage);
    const before = settings.get();
    const after = await settings.update(patch, principal.userId);
    await auditSettingsChange(kernel, request, before, after);
    return UPDATED;
  };

  app.get(
    '/api/settings/s3',
    { schema: { tags, summary: 'The `default` S3 connection', response: { 200: S3SettingsAlias, ...errorResponses } } },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.objectsRead);
      const row = await ownDefault(principal.userId);
      if (row) {
        const { accessKeyId, region, endpoint, defaultBucket } = row;
        return {
          settings: { accessKeyId, secretAccessKey: maskSecret(row.secretHint), region, endpoint, defaultBucket },
        };
      }
      const fromEnv = env();
      return {
        settings: {
          accessKeyId: fromEnv?.accessKeyId ?? '',
          secretAccessKey: fromEnv?.secretAccessKey ? maskSecret(secretHint(fromEnv.secretAccessKey)) : '',
          region: fromEnv?.region ?? 'us-east-1',
          endpoint: fromEnv?.endpoint ?? '',
          defaultBucket: fromEnv?.bucket ?? '',
        },
      };
    },
  );

  app.put(
    '/api/settings/s3',
    {
      schema: {
        tags,
        summary: 'Save the `default` S3 connection (as a DB connection overriding the env one)',
        body: S3SettingsAliasBody,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      const { accessKeyId, endpoint, region, defaultBucket } = request.body;
      // An S3 secret cannot be "cleared": '' keeps it like the mask does.
      const sent = request.body.secretAccessKey || undefined;
      if (await connections.repository.findById(ENV_LOCATION)) {
        const row = await connections.load(request, PERMISSIONS.settingsManage, ENV_LOCATION, () =>
          conflict('the connection `default` belongs to another user', 'connection_exists'),
        );
        const updated = await connections.update(row, {
          name: row.name,
          endpoint,
          region: region || row.region,
          accessKeyId,
          secretAccessKey: sent,
          defaultBucket: defaultBucket ?? row.defaultBucket,
          forcePathStyle: row.forcePathStyle,
          checksumMode: row.checksumMode,
          caBundlePem: row.caBundlePem,
          tlsVerify: row.tlsVerify,
          version: row.version,
        });
        await kernel.audit.record(auditContextOf(request), {
          action: 'odh-tec.connection.update',
          targetType: 'odh-tec.s3_connection',
          targetId: row.id,
          before: auditedConnection(row),
          after: {
            ...auditedConnection(updated),
            secretChanged: updated.secretAccessKeyEnc !== row.secretAccessKeyEnc,
          },
        });
        return UPDATED;
      }
      // The first save copies the env secret when the client sends it back masked.
      const secret = isMaskedSecret(sent) ? env()?.secretAccessKey : sent;
      if (!secret) throw badRequest('secretAccessKey is required', undefined, 'validation_failed');
      const created = await connections.create(principal.userId, {
        id: ENV_LOCATION,
        name: DB_DEFAULT_NAME,
        endpoint,
        region: region || undefined,
        accessKeyId,
        secretAccessKey: secret,
        defaultBucket: defaultBucket ?? '',
      });
      await kernel.audit.record(auditContextOf(request), {
        action: 'odh-tec.connection.create',
        targetType: 'odh-tec.s3_connection',
        targetId: created.id,
        after: auditedConnection(created),
      });
      return UPDATED;
    },
  );

  app.post(
    '/api/settings/test-s3',
    {
      preHandler: testRateLimit,
      schema: {
        tags,
        summary: 'Test S3 settings (the masked secret tests the saved one)',
        body: S3SettingsAliasBody,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      const { accessKeyId, endpoint, region, defaultBucket } = request.body;
      const sent = request.body.secretAccessKey || undefined;
      let secret = sent;
      if (isMaskedSecret(sent)) {
        const row = await ownDefault(principal.userId);
        secret = row ? connections.decryptSecret(row) : env()?.secretAccessKey;
      }
      if (!secret) throw badRequest('secretAccessKey is required', undefined, 'validation_failed');
      const result = await connections.testUnsaved({
        endpoint,
        region: region || undefined,
        accessKeyId,
        secretAccessKey: secret,
        defaultBucket: defaultBucket || undefined,
      });
      if (!result.ok) throw testFailed(result.message, { s3Code: result.code });
      return SUCCESS;
    },
  );

  app.get(
    '/api/settings/huggingface',
    {
      schema: {
        tags,
        summary: 'The Hugging Face token (masked)',
        response: { 200: HfSettingsAlias, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      return { settings: { hfToken: maskedHfToken(await settings.huggingface()) } };
    },
  );

  app.put(
    '/api/settings/huggingface',
    {
      schema: {
        tags,
        summary: 'Save the Hugging Face token ("" clears it)',
        body: HfAliasBody,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => {
      const principal = request.authorize(PERMISSIONS.settingsManage);
      await auditHfTokenChange(kernel, request, await settings.setHfToken(request.body.hfToken, principal.userId));
      return UPDATED;
    },
  );

  app.post(
    '/api/settings/test-huggingface',
    {
      preHandler: testRateLimit,
      schema: {
        tags,
        summary: 'Check a Hugging Face token with whoami',
        body: HfAliasTestBody,
        response: { 200: HfAliasTestResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.settingsManage);
      const token = await settings.hfTokenToTest(request.body?.hfToken);
      try {
        const { accessTokenDisplayName } = await whoami(settings.hfEndpoint(), token);
        return { ...SUCCESS, accessTokenDisplayName };
      } catch (error) {
        if (error instanceof AppError) throw testFailed(error.message, { hfCode: error.code });
        throw error;
      }
    },
  );

  app.get(
    '/api/settings/max-concurrent-transfers',
    {
      schema: {
        tags,
        summary: 'Transfer slots per process',
        response: { 200: MaxConcurrentTransfersAlias, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      return { maxConcurrentTransfers: settings.maxConcurrentTransfers() };
    },
  );

  app.put(
    '/api/settings/max-concurrent-transfers',
    {
      schema: {
        tags,
        summary: 'Change the transfer slots per process',
        body: MaxConcurrentTransfersAlias,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => change(request, { maxConcurrentTransfers: request.body.maxConcurrentTransfers }),
  );

  app.get(
    '/api/settings/max-files-per-page',
    { schema: { tags, summary: 'Default page size', response: { 200: MaxFilesPerPageAlias, ...errorResponses } } },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      return { maxFilesPerPage: settings.get().maxFilesPerPage };
    },
  );

  app.put(
    '/api/settings/max-files-per-page',
    {
      schema: {
        tags,
        summary: 'Change the default page size',
        body: MaxFilesPerPageAlias,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => change(request, { maxFilesPerPage: request.body.maxFilesPerPage }),
  );

  app.get(
    '/api/settings/proxy',
    {
      schema: {
        tags,
        summary: 'Proxy settings (passwords masked)',
        response: { 200: ProxySettingsAlias, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.objectsRead);
      return { settings: maskedProxy(settings.get().proxy) };
    },
  );

  app.put(
    '/api/settings/proxy',
    {
      schema: {
        tags,
        summary: 'Change the proxy settings',
        body: ProxyAliasBody,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => change(request, { proxy: request.body }),
  );

  app.post(
    '/api/settings/test-proxy',
    {
      preHandler: testRateLimit,
      schema: {
        tags,
        summary: 'Fetch a URL through proxy settings',
        body: ProxyAliasTestBody,
        response: { 200: UpstreamMessage, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.settingsManage);
      const result = await runProxyTest(settings.get().proxy, request.body);
      if (!result.ok) {
        throw testFailed(`connection failed: ${result.status ?? result.code}`, {
          status: result.status,
          ...(result.code ? { code: result.code } : {}),
        });
      }
      return SUCCESS;
    },
  );
};
