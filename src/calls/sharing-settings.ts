import { insertAuditEntryBy } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import type { Principal } from '../server/types.ts';
import { updateSharingSettings } from './queries.ts';

/** An admin turns public links on or off for the organisation: existing links stop (or work) at once. */
export async function setSharingSettings(
  db: Db,
  principal: Principal,
  input: { allowPublicLinks: boolean },
): Promise<void> {
  await db.transaction(async (tx) => {
    await updateSharingSettings(tx, principal.organizationId, input.allowPublicLinks);
    await insertAuditEntryBy(tx, principal, {
      action: 'organization.public_links_changed',
      target: principal.organizationId,
      details: { allowPublicLinks: input.allowPublicLinks },
    });
  });
}
