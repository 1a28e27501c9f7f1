import { type SQL, sql } from 'drizzle-orm';
import { schema } from '../db/index.ts';
import type { Principal } from '../server/types.ts';

const { calls } = schema;

/**
 * Which calls of their organisation a person sees: an admin all of them; anyone else the calls they
 * hosted and those shared with them; a manager also the calls hosted by the members of their teams.
 * Every call route asks here, so the list, the call page, its media and its notes agree.
 */
export function visibleCalls(principal: Principal): SQL | undefined {
  if (principal.role === 'admin') return undefined;
  const own = sql`${calls.hostUserId} = ${principal.userId}`;
  const shared = sql`${calls.id} IN (SELECT s.call_id FROM call_shares s
    WHERE s.shared_with_user_id = ${principal.userId} AND s.kind = 'user' AND s.revoked_at IS NULL)`;
  if (principal.role !== 'manager') return sql`(${own} OR ${shared})`;
  const team = sql`${calls.hostUserId} IN (SELECT member.user_id FROM team_members mine
    JOIN team_members member ON member.team_id = mine.team_id WHERE mine.user_id = ${principal.userId})`;
  return sql`(${own} OR ${shared} OR ${team})`;
}
