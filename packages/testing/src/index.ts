export {
  type BuildTestAppOptions,
  baseUrl,
  buildTestApp,
  restartOn,
  type TestPlatform,
  type TestUser,
} from './build-test-app.ts';
export { describeEachEngine, type Engine, type EngineContext } from './database-engines.ts';
export {
  findSshd,
  type OpensshServer,
  opensshTier,
  opensshTierSkipReason,
  startOpensshServer,
} from './openssh-server.ts';
export { createTemplateDatabase, pgliteTemplate } from './pglite-template.ts';
export { findPostgresBin, type PostgresServer, postgresTier, startPostgres } from './postgres-server.ts';
export { assertAnonymousRefused, assertCrossUserRefused, type ForeignRequest, routesUnder } from './route-matrix.ts';
export { isCi, repoRoot, sharedData, sharedDataDir } from './shared-data.ts';
