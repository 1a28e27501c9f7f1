import { insertAuditEntryBy } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../server/types.ts';
import {
  deleteTeamRow,
  findOrganizationUserIds,
  findTeam,
  insertTeam,
  listTeams,
  replaceTeamMembers,
} from './queries.ts';

/** Teams group users: a user with the `manager` role sees the calls of the members of their teams. */
export async function createTeam(db: Db, principal: Principal, name: string) {
  return db.transaction(async (tx) => {
    const team = await insertTeam(tx, principal.organizationId, name);
    if (!team) throw new AppError('conflict', 'A team already has this name.', { reason: 'team_exists' });
    await insertAuditEntryBy(tx, principal, {
      action: 'team.created',
      target: team.id,
      details: { name },
    });
    return { id: team.id, name: team.name, members: [] };
  });
}

export async function findTeamOrFail(db: Db, principal: Principal, teamId: string) {
  const team = await findTeam(db, principal.organizationId, teamId);
  if (!team) throw new AppError('not_found', 'No such team.', { reason: 'team_not_found' });
  return team;
}

export async function setTeamMembers(db: Db, principal: Principal, teamId: string, userIds: string[]) {
  await findTeamOrFail(db, principal, teamId);
  const unique = [...new Set(userIds)];
  const known = await findOrganizationUserIds(db, principal.organizationId, unique);
  if (known.length !== unique.length)
    throw new AppError('not_found', 'No such user in your organisation.', {
      reason: 'user_not_in_organization',
    });
  await db.transaction(async (tx) => {
    await replaceTeamMembers(tx, teamId, unique);
    await insertAuditEntryBy(tx, principal, {
      action: 'team.members_changed',
      target: teamId,
      details: { userIds: unique },
    });
  });
  return (await listTeams(db, principal.organizationId)).find((candidate) => candidate.id === teamId)!;
}

export async function deleteTeam(db: Db, principal: Principal, teamId: string) {
  const team = await findTeamOrFail(db, principal, teamId);
  await db.transaction(async (tx) => {
    await deleteTeamRow(tx, teamId);
    await insertAuditEntryBy(tx, principal, {
      action: 'team.deleted',
      target: teamId,
      details: { name: team.name },
    });
  });
}

export { listTeams };
