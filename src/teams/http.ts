import { z } from 'zod';
import { createTeamSchema, setTeamMembersSchema } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { createTeam, deleteTeam, findTeamOrFail, listTeams, setTeamMembers } from './manage-teams.ts';

const idParams = z.object({ id: z.uuid() });

export function registerTeamsRoutes(options: { db: Db }) {
  const { db } = options;
  return (app: App) => {
    const admin = signedInRoutes(app, 'admin');
    admin.get('/api/teams', async (principal) => ({
      teams: await listTeams(db, principal.organizationId),
    }));
    admin.post('/api/teams', async (principal, request, reply) => {
      const { name } = parseInput(createTeamSchema, request.body);
      return reply.status(201).send(await createTeam(db, principal, name));
    });
    admin.put('/api/teams/:id/members', async (principal, request) => {
      const { id } = parseInput(idParams, request.params);
      // Another organisation's team is "not found" whatever the body says.
      await findTeamOrFail(db, principal, id);
      const { userIds } = parseInput(setTeamMembersSchema, request.body);
      return setTeamMembers(db, principal, id, userIds);
    });
    admin.delete('/api/teams/:id', async (principal, request, reply) => {
      await deleteTeam(db, principal, parseInput(idParams, request.params).id);
      return reply.status(204).send();
    });
  };
}
