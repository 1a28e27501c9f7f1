import path from 'node:path';
import type { FastifyRequest } from 'fastify';
import { deleteExpiredSessions, registerAccountsRoutes, resolveSession } from './accounts/index.ts';
import { registerCallsRoutes } from './calls/index.ts';
import type { Config } from './config.ts';
import {
  ConnectionsFeature,
  findConnectionByOrganization,
  registerConnectionsRoutes,
  type ZoomAppConfig,
} from './connections/index.ts';
import { CoverageFeature, registerCoverageRoutes } from './coverage/index.ts';
import { type Database, type DatabaseOptions, openDatabase } from './db/index.ts';
import { ImportFeature, registerImportRoutes } from './import/index.ts';
import { defineCronJob, JobQueue } from './jobs/index.ts';
import { createLogger, type Logger } from './lib/logger.ts';
import { createMetrics, type Metrics } from './lib/metrics.ts';
import { loadKeyring, SecretBox } from './lib/secret-box.ts';
import { PrivacyFeature, registerPrivacyRoutes } from './privacy/index.ts';
import { RecordingPolicyFeature, registerRecordingPolicyRoutes } from './recording-policy/index.ts';
import { type App, buildServer, type ServerOptions, sessionCookieName } from './server/app.ts';
import { registerMetricsRoute } from './server/metrics-route.ts';
import { type BlobStore, openBlobStore } from './storage/index.ts';
import { registerTeamsRoutes } from './teams/index.ts';
import { registerUserMappingRoutes, UserMappingFeature } from './user-mapping/index.ts';

export type Role = 'web' | 'worker';

export type Callport = {
  config: Config;
  logger: Logger;
  database: Database;
  queue: JobQueue;
  server: App | undefined;
  connections: ConnectionsFeature;
  metrics: Metrics;
  importer: ImportFeature;
  store: BlobStore;
  /** The address the web role listens on (a lone worker: its METRICS_PORT server), once started. */
  url: string | undefined;
  stop(): Promise<void>;
};

const cleanupSessionsJob = defineCronJob({
  name: 'accounts.cleanup-sessions',
  retryLimit: 2,
  retryDelaySeconds: 60,
  retryBackoff: true,
  timeoutSeconds: 60,
  cron: '17 * * * *',
});

export function databaseOptionsFrom(config: Config, logger?: Logger): DatabaseOptions {
  return config.DATABASE_URL
    ? {
        kind: 'postgres',
        url: config.DATABASE_URL,
        ...(logger
          ? { onConnectionError: (error: Error) => logger.warn({ err: error }, 'database connection lost') }
          : {}),
      }
    : { kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') };
}

/** The Zoom app from configuration (production); sandbox mode passes the emulator's registration instead. */
function zoomAppFrom(config: Config): ZoomAppConfig {
  return {
    type: config.ZOOM_APP_TYPE,
    clientId: config.ZOOM_CLIENT_ID ?? '',
    clientSecret: config.ZOOM_CLIENT_SECRET ?? '',
    accountId: config.ZOOM_ACCOUNT_ID,
    webhookSecretToken: config.ZOOM_WEBHOOK_SECRET_TOKEN,
    oauthUrl: config.ZOOM_OAUTH_URL,
    apiUrl: config.ZOOM_API_URL,
    redirectUri: `${config.publicUrl}/api/integrations/zoom/callback`,
  };
}

/**
 * The composition root: builds the database, job queue and HTTP server from the configuration and
 * starts the requested roles. Every dependency is wired here by hand; nothing else reads the environment.
 */
export async function startCallport(
  config: Config,
  options: {
    roles: Role[];
    logger?: Logger;
    listen?: boolean;
    database?: Database;
    zoomApp?: ZoomAppConfig;
    requestLogLevel?: ServerOptions['requestLogLevel'];
  },
): Promise<Callport> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const database =
    options.database ?? (await openDatabase(databaseOptionsFrom(config, logger.child({ module: 'db' }))));
  const stopSteps: Array<() => Promise<void>> = [() => database.close()];
  const stop = async () => {
    for (const step of stopSteps.splice(0).reverse()) {
      await step().catch((error: unknown) => logger.error({ err: error }, 'error while stopping'));
    }
  };
  try {
    await database.migrate();
    const { db } = database;
    const queue = new JobQueue({ executeSql: database.executeSql, logger: logger.child({ module: 'jobs' }) });
    queue.register(cleanupSessionsJob, async () => deleteExpiredSessions(db, new Date()));
    const box = new SecretBox(
      await loadKeyring({ configured: config.CALLPORT_ENCRYPTION_KEY, dataDir: config.dataDir }),
    );
    const metrics = createMetrics();
    const connections = new ConnectionsFeature({
      db,
      metrics,
      box,
      queue,
      logger: logger.child({ module: 'connections' }),
      app: options.zoomApp ?? zoomAppFrom(config),
      publicUrl: config.publicUrl,
      isSandbox: config.isSandbox,
    });
    let usersChanged: (organizationId: string) => Promise<void> = async () => {};
    const metricsRoute = registerMetricsRoute({ metrics, queue, token: config.METRICS_TOKEN });
    const routes: ServerOptions['routes'] = [
      registerAccountsRoutes({
        db,
        sessionTtlHours: config.SESSION_TTL_HOURS,
        cookieSecure: config.cookieSecure,
        isSandbox: config.isSandbox,
        onUsersChanged: (organizationId) => usersChanged(organizationId),
      }),
      registerConnectionsRoutes(connections),
      metricsRoute,
    ];
    const featureDeps = { db, queue, logger, config, connections, metrics };
    // Features built on the connection register their jobs, webhook handlers and routes here, before
    // the queue starts.
    const userMapping = new UserMappingFeature(featureDeps);
    routes.push(registerUserMappingRoutes(userMapping));
    const recordingPolicy = new RecordingPolicyFeature({ ...featureDeps, userMapping });
    routes.push(registerRecordingPolicyRoutes(recordingPolicy));
    const store = await openBlobStore({
      storageUrl: config.STORAGE_URL,
      dataDir: config.dataDir,
      storageEndpoint: config.AWS_ENDPOINT_URL,
      region: config.AWS_REGION,
    });
    const importer = new ImportFeature({ ...featureDeps, box, store, userMapping });
    routes.push(
      registerImportRoutes(importer),
      registerCallsRoutes({ db, store }),
      registerTeamsRoutes({ db }),
    );
    // A user created, imported, deactivated or licensed: the recording group follows and the new
    // importable users' backfill starts (the per-minute dispatcher would find them anyway).
    usersChanged = async (organizationId) => {
      const connection = await findConnectionByOrganization(db, organizationId);
      if (connection?.status !== 'connected') return;
      await recordingPolicy
        .followLinks(connection.id)
        .catch((error: unknown) => logger.error({ err: error }, 'recording group not updated'));
      await importer.afterLinksChanged(connection.id);
    };
    const privacy = new PrivacyFeature({ db, store, queue, logger: logger.child({ module: 'privacy' }) });
    routes.push(registerPrivacyRoutes(privacy));
    const coverage = new CoverageFeature({
      ...featureDeps,
      userMapping,
      logger: logger.child({ module: 'coverage' }),
    });
    routes.push(registerCoverageRoutes(coverage));

    await queue.start();
    stopSteps.push(() => queue.stop());

    let server: App | undefined;
    let url: string | undefined;
    if (options.roles.includes('web')) {
      server = await buildServer({
        logger,
        cookieSecure: config.cookieSecure,
        trustProxy: config.TRUST_PROXY,
        authenticate: (request: FastifyRequest) => resolveSession(db, request.cookies[sessionCookieName]),
        checkReady: async () => {
          await database.executeSql('SELECT 1');
        },
        routes,
        ...(options.requestLogLevel ? { requestLogLevel: options.requestLogLevel } : {}),
      });
      const app = server;
      stopSteps.push(() => app.close());
      if (options.listen !== false) {
        url = await app.listen({ port: config.PORT, host: config.HOST });
      } else {
        await app.ready();
      }
    }
    if (options.roles.includes('worker')) {
      await queue.work();
      await importer.recoverOrphans();
      if (!server && config.METRICS_PORT !== undefined && options.listen !== false) {
        // A worker has no web server: with METRICS_PORT it serves /metrics, /healthz and /readyz only.
        const metricsServer = await buildServer({
          logger,
          cookieSecure: config.cookieSecure,
          trustProxy: config.TRUST_PROXY,
          authenticate: async () => null,
          checkReady: async () => {
            await database.executeSql('SELECT 1');
          },
          routes: [metricsRoute],
          webRoot: false,
        });
        stopSteps.push(() => metricsServer.close());
        url = await metricsServer.listen({ port: config.METRICS_PORT, host: config.HOST });
      }
      logger.info({ roles: options.roles, url }, 'worker started');
    }
    return { config, logger, database, queue, server, url, connections, metrics, importer, store, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
