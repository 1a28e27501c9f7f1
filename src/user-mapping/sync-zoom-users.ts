import type { Db } from '../db/index.ts';
import type { ZoomClient } from '../zoom/index.ts';
import { deleteZoomUsersNotSyncedSince, upsertZoomUser } from './queries.ts';

/**
 * Full sync of a connection's Zoom users: active, inactive and pending (pending users have no id
 * until they accept Zoom's invitation, docs/zoom-platform.md §2.2), every page. Users gone from Zoom are removed.
 */
export async function syncZoomUsers(
  db: Db,
  connectionId: string,
  client: ZoomClient,
): Promise<{ synced: number }> {
  const startedAt = new Date(Date.now() - 1000);
  let synced = 0;
  for (const status of ['active', 'inactive', 'pending'] as const) {
    for await (const user of client.listUsers(status)) {
      const displayName = user.display_name || [user.first_name, user.last_name].filter(Boolean).join(' ');
      await upsertZoomUser(db, connectionId, {
        zoomUserId: status === 'pending' ? null : (user.id ?? null),
        email: user.email,
        displayName,
        type: user.type ?? null,
        status,
        roleName: (user as { role_name?: string }).role_name ?? null,
      });
      synced++;
    }
  }
  await deleteZoomUsersNotSyncedSince(db, connectionId, startedAt);
  return { synced };
}
