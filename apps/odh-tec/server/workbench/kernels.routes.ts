import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Kernel } from '@platform/kernel/kernel.ts';
import fp from 'fastify-plugin';
import { Type } from 'typebox';
import { transferEngineOf } from '../transfers/transfer.job.ts';
import { ActivityTracker } from './activity.ts';

const KernelList = Type.Array(
  Type.Object({
    id: Type.String(),
    name: Type.String(),
    /** last authenticated use of the app (ISO 8601) */
    last_activity: Type.String(),
    execution_state: Type.Union([Type.Literal('busy'), Type.Literal('idle'), Type.Literal('alive')]),
    connections: Type.Integer(),
  }),
);

const SHIM_PATHS = new Set(['/api/kernels', '/api/terminals']);

/**
 * The Jupyter `/api/kernels` and `/api/terminals` shim a notebook controller's idle culler polls (public, like
 * upstream). Every other authenticated request of the app counts as activity: the hook is added to the app's scope
 * (not encapsulated), so register this plugin before the app's other routes.
 */
const plugin: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const tracker = new ActivityTracker();
  const idleMinutes = Number(kernel.config.env.ODH_TEC_IDLE_MINUTES) || 10;
  const engine = transferEngineOf(kernel);
  const prefix = app.prefix;
  app.addHook('onResponse', async (request) => {
    const path = (request.routeOptions.url ?? '').slice(prefix.length);
    if (request.principal && !SHIM_PATHS.has(path)) tracker.touch();
  });
  const list = async () => [
    {
      id: 'odh-tec',
      name: 'odh-tec',
      last_activity: tracker.lastActivity.toISOString(),
      execution_state: tracker.state(engine.busy, idleMinutes),
      connections: 1,
    },
  ];
  for (const url of SHIM_PATHS) {
    app.get(
      url,
      {
        config: { public: true },
        schema: {
          tags: ['odh-tec workbench'],
          summary: 'Activity for the notebook idle culler',
          response: { 200: KernelList },
        },
      },
      list,
    );
  }
};

export const kernelsRoutes = fp(plugin, { name: 'odh-tec-kernels-shim' });
