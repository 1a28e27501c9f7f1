import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { BlobStore } from '../storage/index.ts';
import { applyRetention } from './apply-retention.ts';
import { applyRetentionJob } from './jobs.ts';
import { findRetentionDays, listOrganizationsWithRetention } from './queries.ts';

/** Privacy: erasure of a person on request, and the retention setting applied every day. */
export class PrivacyFeature {
  constructor(readonly deps: { db: Db; store: BlobStore; queue: JobQueue; logger: Logger }) {
    deps.queue.register(applyRetentionJob, async ({ organizationId }) => {
      const organizations = organizationId
        ? [{ id: organizationId, retentionDays: await findRetentionDays(deps.db, organizationId) }]
        : await listOrganizationsWithRetention(deps.db);
      for (const organization of organizations) {
        if (!organization.retentionDays) continue;
        const erased = await applyRetention(deps, {
          organizationId: organization.id,
          retentionDays: organization.retentionDays,
          now: new Date(),
        });
        if (erased > 0) deps.logger.info({ organizationId: organization.id, erased }, 'retention applied');
      }
    });
  }

  async requestRetention(organizationId: string) {
    await this.deps.queue.send(applyRetentionJob, { organizationId });
  }
}
