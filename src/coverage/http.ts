import { insertAuditEntryBy } from '../accounts/index.ts';
import { findConnectionByOrganization } from '../connections/index.ts';
import {
  type CoverageSettings,
  type CoverageView,
  coverageQuerySchema,
  coverageSettingsSchema,
} from '../contract/index.ts';
import { AppError } from '../lib/errors.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { buildCoverage } from './build-coverage.ts';
import type { CoverageFeature } from './feature.ts';
import { loadCoverageSettings, saveCoverageSettings } from './queries.ts';

export function registerCoverageRoutes(feature: CoverageFeature) {
  const { db } = feature.deps;
  const connectionOf = async (organizationId: string) => {
    const connection = await findConnectionByOrganization(db, organizationId);
    if (!connection)
      throw new AppError('zoom_not_connected', 'Zoom is not connected.', { reason: 'zoom_not_connected' });
    return connection;
  };

  return (app: App) => {
    const signedIn = signedInRoutes(app, 'user');
    const admin = signedInRoutes(app, 'admin');
    // Admins see every linked user's coverage; anyone else only their own.
    signedIn.get('/api/coverage', async (principal, request): Promise<CoverageView> => {
      const { weeks } = parseInput(coverageQuerySchema, request.query ?? {});
      const connection = await connectionOf(principal.organizationId);
      return buildCoverage(db, connection, {
        weeks,
        ...(principal.role === 'admin' ? {} : { onlyUserId: principal.userId }),
      });
    });

    admin.post('/api/integrations/zoom/coverage/reconcile', async (principal, _request, reply) => {
      const connection = await connectionOf(principal.organizationId);
      if (connection.status !== 'connected')
        throw new AppError('conflict', 'Zoom must be connected.', { reason: 'zoom_not_connected' });
      await feature.requestPass(connection.id);
      return reply.status(202).send({ queued: true });
    });

    admin.get(
      '/api/settings/coverage',
      async (principal): Promise<CoverageSettings> => loadCoverageSettings(db, principal.organizationId),
    );

    admin.put('/api/settings/coverage', async (principal, request): Promise<CoverageSettings> => {
      const input = parseInput(coverageSettingsSchema, request.body);
      const settings = { ...input, internalDomains: [...new Set(input.internalDomains)] };
      await db.transaction(async (tx) => {
        await saveCoverageSettings(tx, principal.organizationId, settings);
        await insertAuditEntryBy(tx, principal, {
          action: 'coverage.settings_changed',
          target: principal.organizationId,
          details: settings,
        });
      });
      return settings;
    });
  };
}
