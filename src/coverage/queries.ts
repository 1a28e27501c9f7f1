import { and, desc, eq, gte, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { type Db, schema } from '../db/index.ts';

const { meetingsHeld, recordings, calls, userLinks, users, zoomUsers, coverageSettings, coveragePasses } =
  schema;

export type MeetingHeldRow = typeof meetingsHeld.$inferSelect;

/** The linked Callport user of a Zoom user on a connection, with the Zoom user's licence type. */
export async function findLinkedHost(db: Db, connectionId: string, zoomUserId: string) {
  const [row] = await db
    .select({ userId: userLinks.userId, zoomType: zoomUsers.type })
    .from(userLinks)
    .leftJoin(
      zoomUsers,
      and(eq(zoomUsers.connectionId, userLinks.connectionId), eq(zoomUsers.zoomUserId, userLinks.zoomUserId)),
    )
    .where(and(eq(userLinks.connectionId, connectionId), eq(userLinks.zoomUserId, zoomUserId)));
  return row;
}

/**
 * The licensed Callport users linked on a connection (coverage is about them: an unlicensed user's
 * recordings are not imported), with their Zoom user, where `condition` also holds.
 */
function selectLicensedLinks(db: Db, connectionId: string, condition: SQL | undefined) {
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      zoomUserId: userLinks.zoomUserId,
      linkedAt: userLinks.linkedAt,
    })
    .from(userLinks)
    .innerJoin(users, eq(users.id, userLinks.userId))
    .where(and(eq(userLinks.connectionId, connectionId), eq(users.isLicensed, true), condition));
}

/** Every linked Zoom user of a connection, its user licensed and active (the reconciliation pass walks them). */
export function listLinkedZoomUsers(db: Db, connectionId: string) {
  return selectLicensedLinks(db, connectionId, eq(users.isActive, true));
}

export type MeetingHeldInput = {
  connectionId: string;
  organizationId: string;
  meetingUuid: string;
  meetingId: number | null;
  hostZoomId: string;
  topic: string;
  startTime: Date;
  endTime: Date | null;
  learnedVia: 'webhook' | 'report';
  hasRecording?: boolean | null;
  recordingStartedAt?: Date | null;
  recordingStoppedAt?: Date | null;
};

/**
 * Upserts a meeting by (connection, instance UUID): Zoom's events and reports can tell the same meeting
 * several times and in any order; a later telling only fills in what was unknown.
 */
export async function upsertMeetingHeld(db: Db, input: MeetingHeldInput): Promise<MeetingHeldRow> {
  const [row] = await db
    .insert(meetingsHeld)
    .values({
      ...input,
      hasRecording: input.hasRecording ?? null,
      recordingStartedAt: input.recordingStartedAt ?? null,
      recordingStoppedAt: input.recordingStoppedAt ?? null,
    })
    .onConflictDoUpdate({
      target: [meetingsHeld.connectionId, meetingsHeld.meetingUuid],
      set: {
        meetingId: sql`coalesce(${meetingsHeld.meetingId}, excluded.meeting_id)`,
        topic: sql`CASE WHEN ${meetingsHeld.topic} = '' THEN excluded.topic ELSE ${meetingsHeld.topic} END`,
        endTime: sql`coalesce(excluded.end_time, ${meetingsHeld.endTime})`,
        hasRecording: sql`coalesce(excluded.has_recording, ${meetingsHeld.hasRecording})`,
        recordingStartedAt: sql`coalesce(${meetingsHeld.recordingStartedAt}, excluded.recording_started_at)`,
        recordingStoppedAt: sql`coalesce(excluded.recording_stopped_at, ${meetingsHeld.recordingStoppedAt})`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new Error('upsert returned no row');
  return row;
}

export async function saveMeetingFacts(
  db: Db,
  id: string,
  facts: {
    participants?: Array<{ name: string; email: string }>;
    isInternal?: boolean | null;
    expectedReason?: string | null;
    expectedReasonParams?: Record<string, string> | null;
  },
) {
  await db
    .update(meetingsHeld)
    .set({ ...facts, updatedAt: new Date() })
    .where(eq(meetingsHeld.id, id));
}

/** Meetings of a pass still missing their participants (the Medium call is made once per meeting). */
export function listMeetingsWithoutParticipants(db: Db, connectionId: string, limit: number) {
  return db
    .select()
    .from(meetingsHeld)
    .where(
      and(
        eq(meetingsHeld.connectionId, connectionId),
        isNull(meetingsHeld.participants),
        sql`${meetingsHeld.endTime} IS NOT NULL`,
      ),
    )
    .orderBy(desc(meetingsHeld.startTime))
    .limit(limit);
}

/** Meetings held since a date with their recording and call, for the coverage view. */
export function listCoverageRows(db: Db, connectionId: string, since: Date, hostZoomIds?: string[]) {
  return db
    .select({
      meeting: meetingsHeld,
      recordingStatus: recordings.status,
      recordingReason: recordings.statusReason,
      callId: calls.id,
    })
    .from(meetingsHeld)
    .leftJoin(
      recordings,
      and(
        eq(recordings.connectionId, meetingsHeld.connectionId),
        eq(recordings.meetingUuid, meetingsHeld.meetingUuid),
      ),
    )
    .leftJoin(calls, eq(calls.recordingId, recordings.id))
    .where(
      and(
        eq(meetingsHeld.connectionId, connectionId),
        gte(meetingsHeld.startTime, since),
        hostZoomIds ? inArray(meetingsHeld.hostZoomId, hostZoomIds) : undefined,
      ),
    )
    .orderBy(desc(meetingsHeld.startTime))
    .limit(5000);
}

/** Linked users of a connection with their names (admins see all; a member only themself). */
export function listCoverageUsers(db: Db, connectionId: string, onlyUserId?: string) {
  const onlyUser = onlyUserId ? eq(users.id, onlyUserId) : undefined;
  return selectLicensedLinks(db, connectionId, onlyUser).orderBy(users.name);
}

export async function loadCoverageSettings(db: Db, organizationId: string) {
  const [row] = await db
    .select()
    .from(coverageSettings)
    .where(eq(coverageSettings.organizationId, organizationId));
  return { excludeInternal: row?.excludeInternal ?? false, internalDomains: row?.internalDomains ?? [] };
}

export async function saveCoverageSettings(
  db: Db,
  organizationId: string,
  settings: { excludeInternal: boolean; internalDomains: string[] },
) {
  await db
    .insert(coverageSettings)
    .values({ organizationId, ...settings })
    .onConflictDoUpdate({ target: coverageSettings.organizationId, set: settings });
}

/** The domains that make a meeting internal: the configured ones, else the organisation's users'. */
export async function internalDomainsOf(db: Db, organizationId: string): Promise<string[]> {
  const settings = await loadCoverageSettings(db, organizationId);
  if (settings.internalDomains.length > 0) return settings.internalDomains;
  const rows = await db
    .selectDistinct({ domain: sql<string>`lower(split_part(${users.email}, '@', 2))` })
    .from(users)
    .where(eq(users.organizationId, organizationId));
  return rows.map((row) => row.domain).filter(Boolean);
}

export function findPass(db: Db, connectionId: string) {
  return db
    .select()
    .from(coveragePasses)
    .where(eq(coveragePasses.connectionId, connectionId))
    .then((rows) => rows[0]);
}

export async function savePass(
  db: Db,
  connectionId: string,
  values: Partial<Omit<typeof coveragePasses.$inferInsert, 'connectionId'>>,
) {
  await db
    .insert(coveragePasses)
    .values({ connectionId, ...values })
    .onConflictDoUpdate({ target: coveragePasses.connectionId, set: values });
}

/** The recording policy's scope, group and audit, as coverage reads them to say why Zoom did not record. */
export async function findPolicyFacts(db: Db, connectionId: string) {
  const [row] = await db
    .select({
      scope: schema.recordingPolicies.scope,
      groupId: schema.recordingPolicies.groupId,
      lastAudit: schema.recordingPolicies.lastAudit,
      drift: schema.recordingPolicies.drift,
    })
    .from(schema.recordingPolicies)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
  return row;
}
