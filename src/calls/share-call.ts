import { createHash, randomBytes } from 'node:crypto';
import { insertAuditEntryBy } from '../accounts/index.ts';
import type { CreateShareRequest, Share } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../server/types.ts';
import { findVisibleCall } from './get-call.ts';
import {
  findColleague,
  findHighlight,
  findSharingSettings,
  insertShare,
  listShares,
  revokeShareRow,
} from './queries.ts';

export const hashShareToken = (token: string) => createHash('sha256').update(token).digest('hex');

type ShareRow = Awaited<ReturnType<typeof listShares>>[number];

function toShare({ share, sharedWithName }: ShareRow, url?: string): Share {
  return {
    id: share.id,
    kind: share.kind,
    highlightId: share.highlightId,
    sharedWith: share.sharedWithUserId ? { id: share.sharedWithUserId, name: sharedWithName ?? '' } : null,
    expiresAt: share.expiresAt?.toISOString() ?? null,
    revokedAt: share.revokedAt?.toISOString() ?? null,
    createdBy: share.createdByUserId,
    createdAt: share.createdAt.toISOString(),
    ...(url ? { url } : {}),
  };
}

export async function listCallShares(db: Db, principal: Principal, callId: string): Promise<Share[]> {
  await findVisibleCall(db, principal, callId);
  return (await listShares(db, callId)).map((row) => toShare(row));
}

/**
 * Shares a call the asker can see: with a colleague of the organisation (the call then shows in their
 * Appels), or through a public link to the call or one of its highlights that expires. The link's
 * token is returned once and only its SHA-256 is kept. Audited in the same transaction.
 */
export async function shareCall(
  db: Db,
  principal: Principal,
  callId: string,
  input: CreateShareRequest,
  now: Date,
): Promise<Share> {
  await findVisibleCall(db, principal, callId);
  if (input.kind === 'user') {
    const colleague = await findColleague(db, principal.organizationId, input.userId);
    if (!colleague)
      throw new AppError('not_found', 'No such colleague in your organisation.', {
        reason: 'user_not_in_organization',
      });
    return db.transaction(async (tx) => {
      const share = await insertShare(tx, {
        organizationId: principal.organizationId,
        callId,
        kind: 'user',
        sharedWithUserId: colleague.id,
        createdByUserId: principal.userId,
      });
      await insertAuditEntryBy(tx, principal, {
        action: 'call.shared',
        target: callId,
        details: { shareId: share.id, kind: 'user', sharedWithUserId: colleague.id },
      });
      return toShare({ share, sharedWithName: colleague.name });
    });
  }
  if (!(await findSharingSettings(db, principal.organizationId)).allowPublicLinks) {
    throw new AppError('forbidden', 'Public links are turned off for your organisation.', {
      reason: 'public_links_disabled',
    });
  }
  if (input.highlightId && !(await findHighlight(db, callId, input.highlightId))) {
    throw new AppError('not_found', 'No such highlight on this call.', { reason: 'highlight_not_found' });
  }
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + (input.expiresInDays ?? 7) * 86_400_000);
  return db.transaction(async (tx) => {
    const share = await insertShare(tx, {
      organizationId: principal.organizationId,
      callId,
      highlightId: input.highlightId ?? null,
      kind: 'public',
      tokenSha256: hashShareToken(token),
      expiresAt,
      createdByUserId: principal.userId,
    });
    await insertAuditEntryBy(tx, principal, {
      action: 'call.shared',
      target: callId,
      details: {
        shareId: share.id,
        kind: 'public',
        highlightId: share.highlightId,
        expiresAt: expiresAt.toISOString(),
      },
    });
    return toShare({ share, sharedWithName: null }, `/s/${token}`);
  });
}

/** Ends a share at once (a public link then answers "not found"); audited. */
export async function revokeShare(
  db: Db,
  principal: Principal,
  callId: string,
  shareId: string,
  now: Date,
): Promise<void> {
  await findVisibleCall(db, principal, callId);
  await db.transaction(async (tx) => {
    const revoked = await revokeShareRow(tx, callId, shareId, now);
    if (!revoked)
      throw new AppError('not_found', 'No such share, or it was already revoked.', {
        reason: 'share_not_found',
      });
    await insertAuditEntryBy(tx, principal, {
      action: 'call.share_revoked',
      target: callId,
      details: { shareId, kind: revoked.kind },
    });
  });
}
