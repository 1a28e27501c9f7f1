import { insertAuditEntryBy } from '../accounts/index.ts';
import type { Highlight } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../server/types.ts';
import { findVisibleCall, toHighlight } from './get-call.ts';
import { insertHighlight } from './queries.ts';

/** Marks a highlight on a call the asker can see (a start–end range with a title), audited. */
export async function addHighlight(
  db: Db,
  principal: Principal,
  callId: string,
  input: { title: string; startMs: number; endMs: number },
): Promise<Highlight> {
  const { call } = await findVisibleCall(db, principal, callId);
  if (input.startMs >= call.durationSeconds * 1000 + 1000) {
    throw new AppError('validation_failed', 'The highlight starts after the end of the call.', {
      details: { fields: [{ field: 'startMs', message: 'after the end of the call' }] },
      reason: 'highlight_after_end',
    });
  }
  const row = await db.transaction(async (tx) => {
    const highlight = await insertHighlight(tx, {
      callId,
      authorUserId: principal.userId,
      title: input.title,
      startMs: input.startMs,
      endMs: Math.min(input.endMs, call.durationSeconds * 1000 + 1000),
      language: call.language,
    });
    await insertAuditEntryBy(tx, principal, {
      action: 'call.highlight_added',
      target: callId,
      details: { highlightId: highlight.id, startMs: highlight.startMs, endMs: highlight.endMs },
    });
    return highlight;
  });
  return toHighlight(row, null);
}
