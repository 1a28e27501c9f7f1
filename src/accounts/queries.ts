import { and, asc, eq, gt, ne, sql } from 'drizzle-orm';
import type { Organization, User } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { schema, updateRow } from '../db/index.ts';
import { normalizeEmail } from '../lib/email.ts';

const { organizations, users, sessions, auditLog } = schema;

export type UserRow = typeof users.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    isLicensed: row.isLicensed,
    language: row.language,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toOrganization(row: OrganizationRow): Organization {
  return { id: row.id, name: row.name, productName: row.productName, productUrl: row.productUrl };
}

export async function insertOrganization(
  db: Db,
  values: { name: string; productName?: string; productUrl?: string },
) {
  const [row] = await db.insert(organizations).values(values).returning();
  return row!;
}

export async function findOrganization(db: Db, organizationId: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, organizationId));
  return row;
}

export function listOrganizations(db: Db) {
  return db.select().from(organizations).orderBy(organizations.createdAt);
}

export async function updateOrganization(
  db: Db,
  organizationId: string,
  values: Partial<Pick<OrganizationRow, 'name' | 'productName' | 'productUrl'>>,
) {
  return updateRow(db, organizations, eq(organizations.id, organizationId), values);
}

export async function findUserByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${normalizeEmail(email)}`);
  return row;
}

/** A user of this organisation, or undefined: another organisation's user is never returned. */
export async function findUserInOrganization(db: Db, organizationId: string, userId: string) {
  return db.query.users.findFirst({
    where: and(eq(users.id, userId), eq(users.organizationId, organizationId)),
  });
}

export function listUsers(db: Db, organizationId: string) {
  return db.select().from(users).where(eq(users.organizationId, organizationId)).orderBy(asc(users.name));
}

export async function insertUser(db: Db, values: typeof users.$inferInsert) {
  const [row] = await db.insert(users).values(values).returning();
  return row!;
}

export async function updateUser(
  db: Db,
  organizationId: string,
  userId: string,
  values: Partial<Omit<UserRow, 'id' | 'organizationId' | 'createdAt'>>,
) {
  const [row] = await db
    .update(users)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.organizationId, organizationId)))
    .returning();
  return row;
}

export async function countActiveAdmins(db: Db, organizationId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(users)
    .where(and(eq(users.organizationId, organizationId), eq(users.role, 'admin'), eq(users.isActive, true)));
  return row?.count ?? 0;
}

export async function insertSession(db: Db, values: typeof sessions.$inferInsert) {
  await db.insert(sessions).values(values);
}

export async function findSessionWithUser(db: Db, idHash: string, now: Date) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, now)));
  return row;
}

export async function deleteSession(db: Db, idHash: string) {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

export async function deleteUserSessions(db: Db, userId: string) {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}

/** Ends every session of a user but one; returns how many ended. */
export async function deleteOtherUserSessions(db: Db, userId: string, keepIdHash: string): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash)))
    .returning({ idHash: sessions.idHash });
  return ended.length;
}

export async function deleteExpiredSessions(db: Db, now: Date): Promise<void> {
  await db.delete(sessions).where(sql`${sessions.expiresAt} <= ${now}`);
}

export async function insertAuditEntry(db: Db, values: typeof auditLog.$inferInsert) {
  await db.insert(auditLog).values(values);
}

/**
 * The audit entry of what someone did in an organisation: a signed-in person, or (`userId` null) no one
 * signed in, such as the CLI or a public link's visitor.
 */
export async function insertAuditEntryBy(
  db: Db,
  actor: { organizationId: string; userId: string | null },
  entry: Pick<typeof auditLog.$inferInsert, 'action' | 'target' | 'details'>,
) {
  await insertAuditEntry(db, { organizationId: actor.organizationId, actorUserId: actor.userId, ...entry });
}
