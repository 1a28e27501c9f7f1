import { insertAuditEntryBy } from '../accounts/index.ts';
import type { Comment } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import type { Principal } from '../server/types.ts';
import { findVisibleCall, toComment } from './get-call.ts';
import { insertComment } from './queries.ts';

/** Adds a timestamped comment to a call the asker can see, audited. */
export async function addComment(
  db: Db,
  principal: Principal,
  callId: string,
  input: { atMs: number; body: string },
): Promise<Comment> {
  const { call } = await findVisibleCall(db, principal, callId);
  const row = await db.transaction(async (tx) => {
    const comment = await insertComment(tx, {
      callId,
      authorUserId: principal.userId,
      atMs: Math.min(input.atMs, call.durationSeconds * 1000),
      body: input.body,
      language: call.language,
    });
    await insertAuditEntryBy(tx, principal, {
      action: 'call.comment_added',
      target: callId,
      details: { commentId: comment.id, atMs: comment.atMs },
    });
    return comment;
  });
  return toComment(row, null);
}
