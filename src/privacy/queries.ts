import { and, eq, inArray, isNotNull, lt, ne, or, sql } from 'drizzle-orm';
import { type Db, schema, selectValues } from '../db/index.ts';

const {
  organizations,
  users,
  zoomConnections,
  zoomUsers,
  userLinks,
  seenHosts,
  recordings,
  calls,
  auditLog,
} = schema;

const lowerEquals = (column: Parameters<typeof sql>[1], email: string) => sql`lower(${column}) = ${email}`;

export async function findRetentionDays(db: Db, organizationId: string): Promise<number | null> {
  const [row] = await db
    .select({ retentionDays: organizations.retentionDays })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return row?.retentionDays ?? null;
}

export async function saveRetentionDays(db: Db, organizationId: string, retentionDays: number | null) {
  await db.update(organizations).set({ retentionDays }).where(eq(organizations.id, organizationId));
}

export function listOrganizationsWithRetention(db: Db) {
  return db
    .select({ id: organizations.id, retentionDays: organizations.retentionDays })
    .from(organizations)
    .where(isNotNull(organizations.retentionDays));
}

/** Recordings (imported or not) of an organisation that started before `cutoff`, not yet erased. */
export async function listRecordingsStartedBefore(
  db: Db,
  organizationId: string,
  cutoff: Date,
  limit: number,
) {
  return selectValues(
    db,
    recordings.id,
    and(
      eq(recordings.organizationId, organizationId),
      lt(recordings.startTime, cutoff),
      ne(recordings.status, 'erased'),
    ),
    { limit },
  );
}

/** The Callport user and the Zoom users of an organisation's connections that carry this e-mail. */
export async function findPersonByEmail(db: Db, organizationId: string, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(and(eq(users.organizationId, organizationId), lowerEquals(users.email, email)));
  const connectionIds = await selectValues(
    db,
    zoomConnections.id,
    eq(zoomConnections.organizationId, organizationId),
  );
  if (connectionIds.length === 0) return { user, connectionIds, zoomRows: [], links: [], zoomUserIds: [] };
  const zoomRows = await db
    .select()
    .from(zoomUsers)
    .where(and(inArray(zoomUsers.connectionId, connectionIds), lowerEquals(zoomUsers.email, email)));
  const links = await db
    .select()
    .from(userLinks)
    .where(
      and(
        inArray(userLinks.connectionId, connectionIds),
        or(lowerEquals(userLinks.zoomEmail, email), user ? eq(userLinks.userId, user.id) : sql`false`),
      ),
    );
  const zoomUserIds = [
    ...new Set([
      ...zoomRows.map((row) => row.zoomUserId).filter((id): id is string => Boolean(id)),
      ...links.map((link) => link.zoomUserId),
    ]),
  ];
  return { user, connectionIds, zoomRows, links, zoomUserIds };
}

/** Recordings hosted by the person: by host e-mail, Zoom user id, or the call's Callport host. */
export async function listHostedRecordings(
  db: Db,
  organizationId: string,
  person: { email: string; zoomUserIds: string[]; userId: string | undefined },
) {
  const byRecording = await selectValues(
    db,
    recordings.id,
    and(
      eq(recordings.organizationId, organizationId),
      ne(recordings.status, 'erased'),
      or(
        lowerEquals(recordings.hostEmail, person.email),
        person.zoomUserIds.length > 0 ? inArray(recordings.hostZoomId, person.zoomUserIds) : sql`false`,
      ),
    ),
  );
  const byCall = person.userId
    ? await selectValues(
        db,
        calls.recordingId,
        and(eq(calls.organizationId, organizationId), eq(calls.hostUserId, person.userId)),
      )
    : [];
  return [...new Set([...byRecording, ...byCall])];
}

/** Removes the person's links, Zoom directory rows and unmatched-host rows; returns the counts. */
export async function deletePersonMappings(
  db: Db,
  person: { email: string; connectionIds: string[]; zoomUserIds: string[]; userId: string | undefined },
) {
  if (person.connectionIds.length === 0) return { linksRemoved: 0, zoomUsersRemoved: 0 };
  const inConnections = (column: typeof userLinks.connectionId | typeof zoomUsers.connectionId) =>
    inArray(column, person.connectionIds);
  const links = await db
    .delete(userLinks)
    .where(
      and(
        inConnections(userLinks.connectionId),
        or(
          lowerEquals(userLinks.zoomEmail, person.email),
          person.userId ? eq(userLinks.userId, person.userId) : sql`false`,
        ),
      ),
    )
    .returning({ userId: userLinks.userId });
  const zoomRows = await db
    .delete(zoomUsers)
    .where(and(inConnections(zoomUsers.connectionId), lowerEquals(zoomUsers.email, person.email)))
    .returning({ id: zoomUsers.id });
  await db
    .delete(seenHosts)
    .where(
      and(
        inArray(seenHosts.connectionId, person.connectionIds),
        or(
          lowerEquals(seenHosts.email, person.email),
          person.zoomUserIds.length > 0 ? inArray(seenHosts.zoomUserId, person.zoomUserIds) : sql`false`,
        ),
      ),
    );
  return { linksRemoved: links.length, zoomUsersRemoved: zoomRows.length };
}

export async function deleteUser(db: Db, userId: string) {
  await db.delete(users).where(eq(users.id, userId));
}

/** Earlier audit entries about the person keep their action and date but lose the details. */
export async function scrubAuditEntries(
  db: Db,
  organizationId: string,
  person: { email: string; userId: string | undefined },
) {
  await db
    .update(auditLog)
    .set({ details: { erased: true } })
    .where(
      and(
        eq(auditLog.organizationId, organizationId),
        or(
          // Every key an audit entry names a person by (users, organisation creation, Zoom connection).
          sql`${person.email} IN (lower(${auditLog.details}->>'email'), lower(${auditLog.details}->>'adminEmail'), lower(${auditLog.details}->>'zoomUser'))`,
          person.userId ? eq(auditLog.target, person.userId) : sql`false`,
        ),
      ),
    );
}
