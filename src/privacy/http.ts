import { insertAuditEntryBy } from '../accounts/index.ts';
import {
  type ErasePersonResult,
  erasePersonRequestSchema,
  type PrivacySettings,
  privacySettingsSchema,
} from '../contract/index.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { erasePerson } from './erase-person.ts';
import type { PrivacyFeature } from './feature.ts';
import { findRetentionDays, saveRetentionDays } from './queries.ts';

export function registerPrivacyRoutes(feature: PrivacyFeature) {
  const { db } = feature.deps;
  return (app: App) => {
    const admin = signedInRoutes(app, 'admin');

    admin.get(
      '/api/settings/privacy',
      async (principal): Promise<PrivacySettings> => ({
        retentionDays: await findRetentionDays(db, principal.organizationId),
      }),
    );

    admin.put('/api/settings/privacy', async (principal, request): Promise<PrivacySettings> => {
      const { retentionDays } = parseInput(privacySettingsSchema, request.body);
      await db.transaction(async (tx) => {
        await saveRetentionDays(tx, principal.organizationId, retentionDays);
        await insertAuditEntryBy(tx, principal, {
          action: 'privacy.retention_changed',
          target: principal.organizationId,
          details: { retentionDays },
        });
      });
      if (retentionDays) await feature.requestRetention(principal.organizationId);
      return { retentionDays };
    });

    admin.post(
      '/api/privacy/erasures',
      async (principal, request): Promise<ErasePersonResult> =>
        erasePerson(feature.deps, {
          organizationId: principal.organizationId,
          actorUserId: principal.userId,
          request: parseInput(erasePersonRequestSchema, request.body),
        }),
    );
  };
}
