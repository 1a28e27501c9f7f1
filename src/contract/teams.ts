import { z } from 'zod';
import { isPlainText } from './calls.ts';

export const teamSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.object({ id: z.string(), name: z.string(), role: z.string() })),
});
export type Team = z.infer<typeof teamSchema>;
export const teamsListSchema = z.object({ teams: z.array(teamSchema) });

/** POST /api/teams */
export const createTeamSchema = z.object({
  name: z.string().trim().min(1).max(100).refine(isPlainText, 'Control characters are not allowed'),
});
/** PUT /api/teams/:id/members: the whole membership (managers included). */
export const setTeamMembersSchema = z.object({ userIds: z.array(z.uuid()).max(1000) });
