import type { CreateUserRequest, UpdateUserRequest } from '../contract/index.ts';
import { createUserRequestSchema } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import { hashPassword } from './passwords.ts';
import {
  countActiveAdmins,
  deleteUserSessions,
  findUserByEmail,
  findUserInOrganization,
  insertAuditEntry,
  insertUser,
  type UserRow,
  updateUser,
} from './queries.ts';

export async function createUser(
  db: Db,
  organizationId: string,
  actorUserId: string | null,
  request: CreateUserRequest,
): Promise<UserRow> {
  const input = createUserRequestSchema.parse(request);
  const existing = await findUserByEmail(db, input.email);
  if (existing) {
    throw new AppError('conflict', `A Callport user with the e-mail ${input.email} already exists.`, {
      reason: 'email_taken',
      params: { email: input.email },
    });
  }
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return db.transaction(async (tx) => {
    const user = await insertUser(tx, {
      organizationId,
      email: input.email,
      name: input.name,
      role: input.role,
      isLicensed: input.isLicensed,
      language: input.language,
      passwordHash,
    });
    await insertAuditEntry(tx, {
      organizationId,
      actorUserId,
      action: 'user.created',
      target: user.id,
      details: { email: user.email, role: user.role, isLicensed: user.isLicensed },
    });
    return user;
  });
}

export async function editUser(
  db: Db,
  organizationId: string,
  actorUserId: string,
  userId: string,
  changes: UpdateUserRequest,
): Promise<UserRow> {
  const user = await findUserInOrganization(db, organizationId, userId);
  if (!user)
    throw new AppError('not_found', 'No such user in your organisation.', { reason: 'user_not_found' });
  const losesAdmin =
    user.role === 'admin' && user.isActive && (changes.role === 'member' || changes.isActive === false);
  if (losesAdmin && (await countActiveAdmins(db, organizationId)) <= 1) {
    throw new AppError('conflict', 'This is the last active admin: make someone else admin first.', {
      reason: 'last_admin',
    });
  }
  const { password, ...fields } = changes;
  const passwordHash = password ? await hashPassword(password) : undefined;
  // The change, the sessions it ends and its audit entry commit together or not at all.
  return db.transaction(async (tx) => {
    const updated = await updateUser(tx, organizationId, userId, {
      ...fields,
      ...(passwordHash ? { passwordHash } : {}),
    });
    if (!updated)
      throw new AppError('not_found', 'No such user in your organisation.', { reason: 'user_not_found' });
    if (changes.isActive === false || password) await deleteUserSessions(tx, userId);
    await insertAuditEntry(tx, {
      organizationId,
      actorUserId,
      action: 'user.updated',
      target: userId,
      details: { ...fields, ...(password ? { password: 'changed' } : {}) },
    });
    return updated;
  });
}
