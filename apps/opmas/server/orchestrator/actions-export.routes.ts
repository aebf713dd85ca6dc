import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { Type } from 'typebox';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { actionsCsv, presentExportedAction } from '../system/action-export.presenter.ts';
import { allActions } from '../system/action-export.repository.ts';
import { ActionExport, type ExportedAction, ExportQuery } from '../system/action-export.schema.ts';

/** `GET /api/v1/actions/export?format=csv|json` (spec 02-opmas "API"; the Actions page's CSV export). */
export const actionExportRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  app.get(
    '/api/v1/actions/export',
    {
      schema: {
        tags: ['opmas actions'],
        summary: 'Every action with its rendered command, status, device, finding and times, as a download',
        querystring: ExportQuery,
        response: {
          200: Type.Union([ActionExport, Type.String({ description: 'text/csv with a header row' })]),
          ...errorResponses,
        },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.actionsRead);
      const items: ExportedAction[] = [];
      for await (const rows of allActions(kernel.db.orm)) items.push(...rows.map(presentExportedAction));
      const format = request.query.format ?? 'csv';
      reply.header('content-disposition', `attachment; filename="opmas-actions.${format}"`);
      if (format === 'json') return { items };
      return reply.type('text/csv; charset=utf-8').send(actionsCsv(items));
    },
  );
};
