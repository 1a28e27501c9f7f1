import { insertAuditEntryBy } from '../accounts/index.ts';
import {
  type ErasePersonResult,
  erasePersonRequestSchema,
  type PrivacySettings,
  privacySettingsSchema,
} from '../contract/index.ts';
import type { App } from '../server/app.ts';
import { getPrincipal, parseInput } from '../server/request.ts';
import { erasePerson } from './erase-person.ts';
import type { PrivacyFeature } from './feature.ts';
import { findRetentionDays, saveRetentionDays } from './queries.ts';

export function registerPrivacyRoutes(feature: PrivacyFeature) {
  const { db } = feature.deps;
  return (app: App) => {
    app.get(
      '/api/settings/privacy',
      { config: { access: 'admin' } },
      async (request): Promise<PrivacySettings> => {
        const principal = getPrincipal(request);
        return { retentionDays: await findRetentionDays(db, principal.organizationId) };
      },
    );

    app.put(
      '/api/settings/privacy',
      { config: { access: 'admin' } },
      async (request): Promise<PrivacySettings> => {
        const principal = getPrincipal(request);
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
      },
    );

    app.post(
      '/api/privacy/erasures',
      { config: { access: 'admin' } },
      async (request): Promise<ErasePersonResult> => {
        const principal = getPrincipal(request);
        const input = parseInput(erasePersonRequestSchema, request.body);
        return erasePerson(feature.deps, {
          organizationId: principal.organizationId,
          actorUserId: principal.userId,
          request: input,
        });
      },
    );
  };
}
