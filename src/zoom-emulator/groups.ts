/** Groups, their members, and roles (docs/zoom-platform.md §2.1). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { zoomAddGroupMembersBodySchema } from '../zoom/wire.ts';
import { pageFields, paginate } from './paging.ts';
import { sendZoomError } from './request-info.ts';
import { light, medium, zoomRoutes } from './server.ts';
import {
  type EmulatorContext,
  EmulatorInputError,
  type GroupRecord,
  isoSeconds,
  type UserRecord,
} from './state.ts';

export function groupToWire(group: GroupRecord) {
  return { id: group.id, name: group.name, total_members: group.members.size };
}

/** Creates a group; names are unique in an account (4132, docs/zoom-platform.md §6). */
export function createGroup(ctx: EmulatorContext, name: string): GroupRecord {
  const trimmed = name.trim();
  if (!trimmed) throw new EmulatorInputError('name is required');
  for (const group of ctx.state.groups.values()) {
    if (group.name.toLowerCase() === trimmed.toLowerCase())
      throw new EmulatorInputError(`Group name ${trimmed} is already in use.`, 409);
  }
  const group: GroupRecord = {
    id: ctx.ids.zoomId(),
    name: trimmed,
    settings: {},
    locks: {},
    createdAt: ctx.clock.now(),
    members: new Map(),
  };
  ctx.state.groups.set(group.id, group);
  return group;
}

/** Adds users to a group; the first group a user joins is their primary group (settings resolution). */
export function addGroupMembers(ctx: EmulatorContext, group: GroupRecord, users: UserRecord[]): UserRecord[] {
  const added: UserRecord[] = [];
  for (const user of users) {
    if (group.members.has(user.id)) continue;
    group.members.set(user.id, ctx.clock.now());
    if (!user.groupIds.includes(group.id)) user.groupIds.push(group.id);
    added.push(user);
  }
  return added;
}

export function removeGroupMember(group: GroupRecord, user: UserRecord): void {
  group.members.delete(user.id);
  user.groupIds = user.groupIds.filter((id) => id !== group.id);
}

/** The group and role endpoints: rate-limit category and the scopes that grant each (docs/zoom-platform.md §2.1). */
const groupEndpoints = {
  'GET /groups': medium('group:read:admin', 'group:read:list_groups:admin'),
  'POST /groups': light('group:write:admin', 'group:write:group:admin'),
  'GET /groups/:groupId': light('group:read:admin', 'group:read:group:admin'),
  'GET /groups/:groupId/members': medium('group:read:admin', 'group:read:list_members:admin'),
  'POST /groups/:groupId/members': medium('group:write:admin', 'group:write:member:admin'),
  'DELETE /groups/:groupId/members/:memberId': light('group:write:admin', 'group:delete:member:admin'),
  'GET /roles': medium('role:read:admin', 'role:read:list_roles', 'role:read:list_roles:admin'),
};

/** The group of `{groupId}`; sends Zoom's 4130 and returns null when there is none. */
export function groupOr404(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
): GroupRecord | null {
  const { groupId } = request.params as { groupId: string };
  const group = ctx.state.groups.get(groupId);
  if (!group) sendZoomError(reply, 404, 4130, `A group with this ${groupId} does not exist.`);
  return group ?? null;
}

export function registerGroupRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = zoomRoutes(app, ctx, groupEndpoints);

  route('GET /groups', async (request, reply) => {
    const groups = [...ctx.state.groups.values()].sort((a, b) => a.createdAt - b.createdAt);
    const page = paginate(ctx, 'groups', groups, request.query as Record<string, string>, {
      defaultSize: 30,
      maxSize: 300,
    });
    if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
    return {
      groups: page.items.map(groupToWire),
      total_records: page.total_records,
      next_page_token: page.next_page_token,
    };
  });

  route('POST /groups', async (request, reply) => {
    const name = (request.body as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !name.trim()) {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'name', message: 'Invalid field.' },
      ]);
    }
    try {
      return reply.status(201).send(groupToWire(createGroup(ctx, name)));
    } catch (error) {
      if (error instanceof EmulatorInputError && error.status === 409)
        return sendZoomError(reply, 409, 4132, error.message);
      throw error;
    }
  });

  route('GET /groups/:groupId', async (request, reply) => {
    const group = groupOr404(ctx, request, reply);
    if (!group) return reply;
    return groupToWire(group);
  });

  route('GET /groups/:groupId/members', async (request, reply) => {
    const group = groupOr404(ctx, request, reply);
    if (!group) return reply;
    const members = [...group.members.keys()]
      .map((id) => ctx.state.users.get(id))
      .filter((user): user is UserRecord => user !== undefined);
    const page = paginate(
      ctx,
      `group-members:${group.id}`,
      members,
      request.query as Record<string, string>,
      { defaultSize: 30, maxSize: 2000 },
    );
    if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
    return {
      ...pageFields(page),
      page_number: page.page_number,
      members: page.items.map((user) => ({
        id: user.id,
        email: user.email,
        first_name: user.firstName,
        last_name: user.lastName,
        type: user.type,
        primary_group: user.groupIds[0] === group.id,
      })),
    };
  });

  route('POST /groups/:groupId/members', async (request, reply) => {
    const group = groupOr404(ctx, request, reply);
    if (!group) return reply;
    const parsed = zoomAddGroupMembersBodySchema.safeParse(request.body);
    if (!parsed.success) {
      // At most 30 members per call (docs/zoom-platform.md §2.1).
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'members', message: 'Invalid field. Provide 1 to 30 members.' },
      ]);
    }
    const users: UserRecord[] = [];
    for (const member of parsed.data.members) {
      // `id` wins over `email` (docs/zoom-platform.md §2.1). Unknown and pending users are skipped: they are not in `ids`.
      const user = member.id
        ? ctx.state.users.get(member.id)
        : member.email
          ? ctx.state.findUser(member.email)
          : undefined;
      if (user && user.status !== 'pending') users.push(user);
    }
    const added = addGroupMembers(ctx, group, users);
    return reply
      .status(201)
      .send({ ids: added.map((user) => user.id).join(','), added_at: isoSeconds(ctx.clock.now()) });
  });

  route('DELETE /groups/:groupId/members/:memberId', async (request, reply) => {
    const group = groupOr404(ctx, request, reply);
    if (!group) return reply;
    const { memberId } = request.params as { memberId: string };
    const user = ctx.state.users.get(memberId);
    if (!user || !group.members.has(user.id))
      return sendZoomError(reply, 404, 1001, `User does not exist: ${memberId}.`);
    removeGroupMember(group, user);
    return reply.status(204).send();
  });

  route('GET /roles', async (request) => {
    const type = (request.query as Record<string, string | undefined>).type ?? 'common';
    const roles = type === 'common' ? ctx.state.roles : [];
    return {
      total_records: roles.length,
      roles: roles.map((role) => ({
        id: role.id,
        name: role.name,
        description: role.description,
        type: 'common',
        total_members: [...ctx.state.users.values()].filter(
          (user) => user.roleId === role.id && user.status !== 'pending',
        ).length,
      })),
    };
  });
}
