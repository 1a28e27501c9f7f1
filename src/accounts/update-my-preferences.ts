import type { Db } from '../db/index.ts';
import { insertAuditEntryBy, type UserRow, updateUser } from './queries.ts';

/** A user's own preferences (the interface language) and their audit entry, together. */
export async function updateMyPreferences(
  db: Db,
  principal: { organizationId: string; userId: string },
  changes: Pick<UserRow, 'language'>,
): Promise<UserRow | undefined> {
  return db.transaction(async (tx) => {
    const updated = await updateUser(tx, principal.organizationId, principal.userId, changes);
    if (!updated) return undefined;
    await insertAuditEntryBy(tx, principal, {
      action: 'user.preferences_updated',
      target: principal.userId,
      details: changes,
    });
    return updated;
  });
}
