import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Principal } from '../server/types.ts';
import { deleteSession, findSessionWithUser, insertSession } from './queries.ts';

function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Opens a session and returns the cookie value; only its hash is stored. */
export async function openSession(
  db: Db,
  userId: string,
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  await insertSession(db, { idHash: hashSessionToken(token), userId, expiresAt });
  return { token, expiresAt };
}

export async function resolveSession(db: Db, token: string | undefined): Promise<Principal | null> {
  if (!token || token.length > 200) return null;
  const idHash = hashSessionToken(token);
  const row = await findSessionWithUser(db, idHash, new Date());
  if (!row?.user.isActive) return null;
  return {
    userId: row.user.id,
    organizationId: row.user.organizationId,
    role: row.user.role,
    email: row.user.email,
    sessionIdHash: idHash,
  };
}

export async function closeSession(db: Db, token: string | undefined): Promise<void> {
  if (token) await deleteSession(db, hashSessionToken(token));
}
