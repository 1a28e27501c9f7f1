import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema, selectValues } from '../db/index.ts';

const { teams, teamMembers, users } = schema;

export async function listTeams(db: Db, organizationId: string) {
  const [teamRows, memberRows] = await Promise.all([
    db.select().from(teams).where(eq(teams.organizationId, organizationId)).orderBy(asc(teams.name)),
    db
      .select({ teamId: teamMembers.teamId, id: users.id, name: users.name, role: users.role })
      .from(teamMembers)
      .innerJoin(teams, eq(teams.id, teamMembers.teamId))
      .innerJoin(users, eq(users.id, teamMembers.userId))
      .where(eq(teams.organizationId, organizationId))
      .orderBy(asc(users.name)),
  ]);
  return teamRows.map((team) => ({
    id: team.id,
    name: team.name,
    members: memberRows
      .filter((member) => member.teamId === team.id)
      .map(({ id, name, role }) => ({ id, name, role })),
  }));
}

export async function insertTeam(db: Db, organizationId: string, name: string) {
  const [row] = await db.insert(teams).values({ organizationId, name }).onConflictDoNothing().returning();
  return row;
}

export async function findTeam(db: Db, organizationId: string, teamId: string) {
  return db.query.teams.findFirst({
    where: and(eq(teams.id, teamId), eq(teams.organizationId, organizationId)),
  });
}

export async function deleteTeamRow(db: Db, teamId: string) {
  await db.delete(teams).where(eq(teams.id, teamId));
}

/** Of `userIds`, those that are users of the organisation. */
export async function findOrganizationUserIds(db: Db, organizationId: string, userIds: string[]) {
  if (userIds.length === 0) return [];
  return selectValues(
    db,
    users.id,
    and(eq(users.organizationId, organizationId), inArray(users.id, userIds)),
  );
}

export async function replaceTeamMembers(db: Db, teamId: string, userIds: string[]) {
  await db.delete(teamMembers).where(eq(teamMembers.teamId, teamId));
  if (userIds.length > 0) await db.insert(teamMembers).values(userIds.map((userId) => ({ teamId, userId })));
}
