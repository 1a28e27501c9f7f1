import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';

const { zoomUsers, userLinks, seenHosts, users, importUserSweeps } = schema;

export function listZoomUsers(db: Db, connectionId: string) {
  return db.select().from(zoomUsers).where(eq(zoomUsers.connectionId, connectionId)).orderBy(zoomUsers.email);
}

/** How many of the account's Zoom users were active at the last user sync. */
export async function countActiveZoomUsers(db: Db, connectionId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(zoomUsers)
    .where(and(eq(zoomUsers.connectionId, connectionId), eq(zoomUsers.status, 'active')));
  return row?.count ?? 0;
}

/** Inserts or refreshes one synced Zoom user, keyed by e-mail (pending users have no id). */
export async function upsertZoomUser(
  db: Db,
  connectionId: string,
  values: {
    zoomUserId: string | null;
    email: string;
    displayName: string;
    type: number | null;
    status: string;
    roleName: string | null;
  },
) {
  await db.execute(sql`
    INSERT INTO zoom_users (connection_id, zoom_user_id, email, display_name, type, status, role_name, synced_at)
    VALUES (${connectionId}, ${values.zoomUserId}, ${values.email}, ${values.displayName}, ${values.type}, ${values.status}, ${values.roleName}, now())
    ON CONFLICT (connection_id, lower(email)) DO UPDATE SET
      zoom_user_id = EXCLUDED.zoom_user_id, email = EXCLUDED.email, display_name = EXCLUDED.display_name,
      type = EXCLUDED.type, status = EXCLUDED.status, role_name = EXCLUDED.role_name, synced_at = now()`);
}

export async function deleteZoomUsersNotSyncedSince(db: Db, connectionId: string, since: Date) {
  await db
    .delete(zoomUsers)
    .where(and(eq(zoomUsers.connectionId, connectionId), sql`${zoomUsers.syncedAt} < ${since}`));
}

export async function setZoomUserStatus(
  db: Db,
  connectionId: string,
  zoomUserId: string,
  status: 'active' | 'inactive',
) {
  await db
    .update(zoomUsers)
    .set({ status, syncedAt: new Date() })
    .where(and(eq(zoomUsers.connectionId, connectionId), eq(zoomUsers.zoomUserId, zoomUserId)));
}

export function listLinks(db: Db, connectionId: string) {
  return db.select().from(userLinks).where(eq(userLinks.connectionId, connectionId));
}

/** Licensed, active Callport users linked to a Zoom user: the people whose calls are imported. */
export async function listLinkedLicensedZoomUsers(db: Db, connectionId: string) {
  return db
    .select({
      callportUserId: userLinks.userId,
      zoomUserId: userLinks.zoomUserId,
      zoomEmail: userLinks.zoomEmail,
      linkedAt: userLinks.linkedAt,
    })
    .from(userLinks)
    .innerJoin(users, eq(users.id, userLinks.userId))
    .where(
      and(eq(userLinks.connectionId, connectionId), eq(users.isLicensed, true), eq(users.isActive, true)),
    );
}

/**
 * Licensed, active Zoom users of the account (the synced directory) linked to nobody, and not set aside
 * with "Ignorer": the sweep lists their recordings too, so that the Imports tab counts what each of them
 * has waiting and linking them later imports it.
 */
export async function listUnlinkedLicensedZoomUsers(db: Db, connectionId: string) {
  const rows = await db
    .select({ zoomUserId: zoomUsers.zoomUserId, zoomEmail: zoomUsers.email })
    .from(zoomUsers)
    .where(
      and(
        eq(zoomUsers.connectionId, connectionId),
        eq(zoomUsers.status, 'active'),
        eq(zoomUsers.type, 2),
        sql`${zoomUsers.zoomUserId} IS NOT NULL`,
        sql`NOT EXISTS (SELECT 1 FROM ${userLinks} WHERE ${userLinks.connectionId} = ${connectionId} AND ${userLinks.zoomUserId} = ${zoomUsers.zoomUserId})`,
        sql`NOT EXISTS (SELECT 1 FROM ${seenHosts} WHERE ${seenHosts.connectionId} = ${connectionId} AND ${seenHosts.zoomUserId} = ${zoomUsers.zoomUserId} AND ${seenHosts.isIgnored})`,
      ),
    )
    .orderBy(zoomUsers.email);
  return rows.flatMap((row) =>
    row.zoomUserId ? [{ zoomUserId: row.zoomUserId, zoomEmail: row.zoomEmail }] : [],
  );
}

/** The Callport user linked to a Zoom host (by Zoom id, else by e-mail), with their licence. */
export async function findLinkByZoomUser(
  db: Db,
  connectionId: string,
  host: { zoomUserId?: string; email?: string },
) {
  const condition = host.zoomUserId
    ? eq(userLinks.zoomUserId, host.zoomUserId)
    : sql`lower(${userLinks.zoomEmail}) = lower(${host.email ?? ''})`;
  const [row] = await db
    .select({ userId: users.id, name: users.name, isLicensed: users.isLicensed, isActive: users.isActive })
    .from(userLinks)
    .innerJoin(users, eq(users.id, userLinks.userId))
    .where(and(eq(userLinks.connectionId, connectionId), condition));
  return row;
}

/** Notes a host whose recordings were seen but who is not linked (the unmatched inbox). */
export async function recordSeenHost(
  db: Db,
  connectionId: string,
  host: { zoomUserId: string; email?: string | null },
) {
  await db
    .insert(seenHosts)
    .values({ connectionId, zoomUserId: host.zoomUserId, email: host.email ?? null })
    .onConflictDoUpdate({
      target: [seenHosts.connectionId, seenHosts.zoomUserId],
      set: {
        recordingsSeen: sql`${seenHosts.recordingsSeen} + 1`,
        lastSeenAt: new Date(),
        email: host.email ?? null,
      },
    });
}

export function listSeenHosts(db: Db, connectionId: string) {
  return db.select().from(seenHosts).where(eq(seenHosts.connectionId, connectionId));
}

/** Returns false when the connection has no such host. */
export async function ignoreSeenHost(db: Db, connectionId: string, zoomUserId: string): Promise<boolean> {
  const rows = await db
    .update(seenHosts)
    .set({ isIgnored: true })
    .where(and(eq(seenHosts.connectionId, connectionId), eq(seenHosts.zoomUserId, zoomUserId)))
    .returning({ zoomUserId: seenHosts.zoomUserId });
  return rows.length > 0;
}

/** The import's per-user cursors (the sweep writes them), shown on each linked user's row. */
export function listImportCursors(db: Db, connectionId: string) {
  return db.select().from(importUserSweeps).where(eq(importUserSweeps.connectionId, connectionId));
}
