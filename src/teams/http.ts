import { z } from 'zod';
import { createTeamSchema, setTeamMembersSchema } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import type { App } from '../server/app.ts';
import { getPrincipal, parseInput } from '../server/request.ts';
import { createTeam, deleteTeam, findTeamOrFail, listTeams, setTeamMembers } from './manage-teams.ts';

const idParams = z.object({ id: z.uuid() });

export function registerTeamsRoutes(options: { db: Db }) {
  const { db } = options;
  return (app: App) => {
    app.get('/api/teams', { config: { access: 'admin' } }, async (request) => ({
      teams: await listTeams(db, getPrincipal(request).organizationId),
    }));
    app.post('/api/teams', { config: { access: 'admin' } }, async (request, reply) => {
      const principal = getPrincipal(request);
      const { name } = parseInput(createTeamSchema, request.body);
      return reply.status(201).send(await createTeam(db, principal, name));
    });
    app.put('/api/teams/:id/members', { config: { access: 'admin' } }, async (request) => {
      const principal = getPrincipal(request);
      const { id } = parseInput(idParams, request.params);
      // Another organisation's team is "not found" whatever the body says.
      await findTeamOrFail(db, principal, id);
      const { userIds } = parseInput(setTeamMembersSchema, request.body);
      return setTeamMembers(db, principal, id, userIds);
    });
    app.delete('/api/teams/:id', { config: { access: 'admin' } }, async (request, reply) => {
      await deleteTeam(db, getPrincipal(request), parseInput(idParams, request.params).id);
      return reply.status(204).send();
    });
  };
}
