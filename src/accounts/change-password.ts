import type { ChangePasswordRequest } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import {
  deleteOtherUserSessions,
  findUserInOrganization,
  insertAuditEntryBy,
  updateUser,
} from './queries.ts';

/**
 * A person changes their own password: the current one is required (a session left open on another
 * computer is not enough), and every other session of theirs ends, so whoever knew the old password
 * or held another session is out. The session that asked stays signed in.
 */
export async function changeOwnPassword(
  db: Db,
  principal: { organizationId: string; userId: string; sessionIdHash: string },
  request: ChangePasswordRequest,
): Promise<{ sessionsEnded: number }> {
  const user = await findUserInOrganization(db, principal.organizationId, principal.userId);
  if (!user) throw new AppError('unauthenticated', 'Sign in first.');
  if (!(await verifyPassword(user.passwordHash, request.currentPassword))) {
    throw new AppError('current_password_incorrect', 'The current password is incorrect.');
  }
  const passwordHash = await hashPassword(request.newPassword);
  return db.transaction(async (tx) => {
    await updateUser(tx, principal.organizationId, principal.userId, { passwordHash });
    const sessionsEnded = await deleteOtherUserSessions(tx, principal.userId, principal.sessionIdHash);
    await insertAuditEntryBy(tx, principal, {
      action: 'user.password_changed',
      target: principal.userId,
      details: { sessionsEnded },
    });
    return { sessionsEnded };
  });
}
