import type { Db } from '../db/index.ts';
import { verifyPassword } from './passwords.ts';
import { findUserByEmail, type UserRow } from './queries.ts';

export type SignInOutcome = { outcome: 'signed_in'; user: UserRow } | { outcome: 'refused' };

/**
 * Checks an e-mail and password. Unknown e-mail, deactivated user and wrong password give the same
 * answer after the same work, so sign-in cannot be used to find out who has an account.
 */
export async function signIn(db: Db, email: string, password: string): Promise<SignInOutcome> {
  const user = await findUserByEmail(db, email);
  const isValid = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !isValid || !user.isActive) return { outcome: 'refused' };
  return { outcome: 'signed_in', user };
}
