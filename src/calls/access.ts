import { eq, type SQL } from 'drizzle-orm';
import { schema } from '../db/index.ts';
import type { Principal } from '../server/types.ts';

/**
 * Which calls of their organisation a person sees: an admin all of them, a member those they hosted.
 * Every call route asks here, so the list, the call page and its media agree.
 */
export function visibleCalls(principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  return eq(schema.calls.hostUserId, principal.userId);
}

export function canSeeCall(principal: Principal, call: { hostUserId: string | null }): boolean {
  return principal.role === 'admin' || call.hostUserId === principal.userId;
}
