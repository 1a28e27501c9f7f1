import type { Db } from '../db/index.ts';
import { insertAuditEntry, type OrganizationRow, updateOrganization } from './queries.ts';

type OrganizationChanges = Partial<Pick<OrganizationRow, 'name' | 'productName' | 'productUrl'>>;

/** An admin's change to the organisation (its name, the product named in the disclaimer) and its audit entry, together. */
export async function editOrganization(
  db: Db,
  organizationId: string,
  actorUserId: string,
  changes: OrganizationChanges,
): Promise<OrganizationRow | undefined> {
  if (Object.keys(changes).length === 0) return updateOrganization(db, organizationId, changes);
  return db.transaction(async (tx) => {
    const updated = await updateOrganization(tx, organizationId, changes);
    if (!updated) return undefined;
    await insertAuditEntry(tx, {
      organizationId,
      actorUserId,
      action: 'organization.updated',
      target: organizationId,
      details: changes,
    });
    return updated;
  });
}
