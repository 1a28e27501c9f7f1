/** Zoom users (docs/zoom-platform.md §2.1, §2.2): wire shapes, REST routes, and the admin operations that emit `user.*` events. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZoomUser, ZoomUserListItem } from '../zoom/wire.ts';
import { pageFields, paginate } from './paging.ts';
import { requestInfo, sendZoomError, tokenOf } from './request-info.ts';
import { light, medium, withAdmin, zoomRoutes } from './server.ts';
import {
  type EmulatorContext,
  EmulatorInputError,
  isoSeconds,
  type UserRecord,
  type UserStatus,
  type UserType,
} from './state.ts';

const adminPermissions = [
  'AccountProfile:Read',
  'AccountSetting:Edit',
  'AccountSetting:Read',
  'Dashboard:Read',
  'Group:Edit',
  'Group:Read',
  'Recording:Edit',
  'Recording:Read',
  'Report:Read',
  'Role:Read',
  'User:Edit',
  'User:Read',
];

export const builtInRoles = [
  {
    id: '0',
    name: 'Owner',
    description: 'Account owner has full privileges to access and manage a Zoom account.',
    // Every admin privilege, and the account's profile, billing and roles to edit.
    permissions: [
      ...adminPermissions,
      'AccountProfile:Edit',
      'BillingInformation:Edit',
      'BillingInformation:Read',
      'Role:Edit',
    ].sort(),
  },
  {
    id: '1',
    name: 'Admin',
    description: 'Admins have wide range privileges to access and manage a Zoom account.',
    permissions: adminPermissions,
  },
  {
    id: '2',
    name: 'Member',
    description:
      'Members have access to basic Zoom video meeting functions but no account management privileges.',
    permissions: [],
  },
];

/** `GET /users/{userId}` (docs/zoom-platform.md §2.2). */
export function userToWire(ctx: EmulatorContext, user: UserRecord): ZoomUser {
  const role = ctx.state.role(user.roleId);
  const wire: ZoomUser = {
    id: user.id,
    first_name: user.firstName,
    last_name: user.lastName,
    display_name: `${user.firstName} ${user.lastName}`.trim(),
    email: user.email,
    type: user.type,
    role_name: role?.name ?? 'Member',
    pmi: user.pmi,
    use_pmi: false,
    personal_meeting_url: `https://us06web.zoom.us/j/${user.pmi}`,
    timezone: user.timezone,
    verified: user.status === 'pending' ? 0 : 1,
    dept: user.dept,
    created_at: isoSeconds(user.createdAt),
    user_created_at: isoSeconds(user.createdAt),
    pic_url: '',
    language: user.language,
    phone_number: '',
    status: user.status,
    job_title: user.jobTitle,
    location: '',
    login_types: [100],
    role_id: user.roleId,
    account_id: ctx.state.account.id,
    account_number: ctx.state.account.accountNumber,
    cluster: 'us06',
    group_ids: [...user.groupIds],
    im_group_ids: [],
  };
  if (user.lastLoginAt !== null) {
    wire.last_login_time = isoSeconds(user.lastLoginAt);
    wire.last_client_version = '6.2.5.40310(mac)';
  }
  return wire;
}

/** An item of `GET /users`: a subset, and pending users have no `id` (docs/zoom-platform.md §2.2, §7). */
export function userListItem(ctx: EmulatorContext, user: UserRecord): ZoomUserListItem {
  const full = userToWire(ctx, user);
  const item: ZoomUserListItem = {
    id: full.id,
    first_name: full.first_name,
    last_name: full.last_name,
    display_name: full.display_name,
    email: full.email,
    type: full.type,
    pmi: full.pmi,
    timezone: full.timezone,
    verified: full.verified,
    dept: full.dept,
    created_at: full.created_at,
    user_created_at: full.user_created_at,
    language: full.language,
    status: full.status,
    role_id: full.role_id,
    group_ids: full.group_ids,
    im_group_ids: full.im_group_ids,
  };
  if (full.last_login_time) item.last_login_time = full.last_login_time;
  if (full.last_client_version) item.last_client_version = full.last_client_version;
  if (user.status === 'pending') delete item.id;
  return item;
}

export type CreateUserInput = {
  email: string;
  firstName: string;
  lastName: string;
  /** 1 Basic, 2 Licensed (default). */
  type?: UserType;
  /** "0" Owner, "1" Admin, "2" Member (default). */
  roleId?: string;
  status?: UserStatus;
  timezone?: string;
  language?: string;
  dept?: string;
  jobTitle?: string;
  id?: string;
  createdAt?: Date;
  lastLoginAt?: Date | null;
};

function operator(ctx: EmulatorContext) {
  const owner = ctx.state.owner();
  return { operator: owner.email, operator_id: owner.id };
}

/** Emits a user event (docs/zoom-platform.md §4.2): the account and the operator, then `payload`. */
function emitUserEvent(
  ctx: EmulatorContext,
  event: string,
  payload: () => Record<string, unknown>,
  eventTs?: number,
): void {
  ctx.webhooks.emit(event, () => ({
    event,
    event_ts: eventTs ?? ctx.clock.now(),
    payload: { account_id: ctx.state.account.id, ...operator(ctx), ...payload() },
  }));
}

/** Adds a user to the account and emits `user.created` (docs/zoom-platform.md §4.2). */
export function createUser(
  ctx: EmulatorContext,
  input: CreateUserInput,
  options: { silent?: boolean } = {},
): UserRecord {
  if (!input.email?.includes('@')) throw new EmulatorInputError('email is required');
  if (ctx.state.findUser(input.email))
    throw new EmulatorInputError(`User already in the account: ${input.email}`, 409);
  if (input.roleId !== undefined && !ctx.state.role(input.roleId))
    throw new EmulatorInputError(`Unknown role_id ${input.roleId}`);
  const now = ctx.clock.now();
  const user: UserRecord = {
    id: input.id ?? ctx.ids.zoomId(),
    email: input.email,
    firstName: input.firstName,
    lastName: input.lastName,
    type: input.type ?? 2,
    roleId: input.roleId ?? '2',
    status: input.status ?? 'active',
    pmi: ctx.ids.int(2_000_000_000, 9_999_999_999),
    timezone: input.timezone ?? 'Europe/Paris',
    language: input.language ?? 'fr-FR',
    dept: input.dept ?? '',
    jobTitle: input.jobTitle ?? '',
    createdAt: input.createdAt?.getTime() ?? now,
    lastLoginAt:
      input.lastLoginAt === undefined
        ? input.status === 'pending'
          ? null
          : now
        : (input.lastLoginAt?.getTime() ?? null),
    groupIds: [],
    settings: {},
  };
  ctx.state.users.set(user.id, user);
  if (!options.silent) {
    emitUserEvent(ctx, 'user.created', () => ({
      creation_type: 'create',
      object: {
        id: user.id,
        first_name: user.firstName,
        last_name: user.lastName,
        display_name: `${user.firstName} ${user.lastName}`,
        email: user.email,
        type: user.type,
      },
    }));
  }
  return user;
}

export type UpdateUserInput = Partial<
  Pick<
    CreateUserInput,
    'email' | 'firstName' | 'lastName' | 'type' | 'roleId' | 'dept' | 'jobTitle' | 'timezone' | 'language'
  >
>;

const wireNames: Record<keyof UpdateUserInput, string> = {
  email: 'email',
  firstName: 'first_name',
  lastName: 'last_name',
  type: 'type',
  roleId: 'role_id',
  dept: 'dept',
  jobTitle: 'job_title',
  timezone: 'timezone',
  language: 'language',
};

/** Changes a user's profile and emits `user.updated` with only the changed fields (docs/zoom-platform.md §4.2). */
export function updateUser(ctx: EmulatorContext, idOrEmail: string, patch: UpdateUserInput): UserRecord {
  const user = ctx.state.findUser(idOrEmail);
  if (!user) throw new EmulatorInputError(`User does not exist: ${idOrEmail}.`, 404);
  if (patch.roleId !== undefined && !ctx.state.role(patch.roleId))
    throw new EmulatorInputError(`Unknown role_id ${patch.roleId}`);
  const changed: Record<string, unknown> = {};
  const old: Record<string, unknown> = {};
  for (const key of Object.keys(patch) as (keyof UpdateUserInput)[]) {
    const value = patch[key];
    if (value === undefined || user[key] === value) continue;
    old[wireNames[key]] = user[key];
    changed[wireNames[key]] = value;
    (user as Record<string, unknown>)[key] = value;
  }
  if (Object.keys(changed).length > 0) {
    const now = ctx.clock.now();
    emitUserEvent(
      ctx,
      'user.updated',
      () => ({
        operation: 'update',
        time_stamp: now,
        object: { id: user.id, ...changed },
        old_object: { id: user.id, ...old },
      }),
      now,
    );
  }
  return user;
}

/** Deactivates a user (status `inactive`) and emits `user.deactivated`. */
export function deactivateUser(ctx: EmulatorContext, idOrEmail: string): UserRecord {
  const user = ctx.state.findUser(idOrEmail);
  if (!user) throw new EmulatorInputError(`User does not exist: ${idOrEmail}.`, 404);
  if (user.id === ctx.state.account.ownerId)
    throw new EmulatorInputError('The account owner cannot be deactivated.');
  if (user.status === 'inactive') return user;
  user.status = 'inactive';
  emitUserEvent(ctx, 'user.deactivated', () => ({
    object: {
      id: user.id,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email,
      type: user.type,
    },
  }));
  return user;
}

/**
 * Resolves `{userId}`: an id, an email or `me` (docs/zoom-platform.md §2). Without an `:admin` scope a token reaches only its
 * own user. Sends Zoom's error and returns null when the user can't be used.
 */
export function resolveUserParam(
  ctx: EmulatorContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
): UserRecord | null {
  const token = tokenOf(request);
  const user = userId === 'me' ? ctx.state.users.get(token.userId) : ctx.state.findUser(userId);
  if (!user) {
    sendZoomError(reply, 404, 1001, `User does not exist: ${userId}.`);
    return null;
  }
  if (user.id !== token.userId && !requestInfo(request).hasAdminScope) {
    sendZoomError(reply, 400, 200, 'No permission.');
    return null;
  }
  return user;
}

const userReadScopes = withAdmin('user:read', 'user:read:user');

/** The user endpoints: rate-limit category and the scopes that grant each (docs/zoom-platform.md §2.1). */
const userEndpoints = {
  'GET /users': medium(
    'user:read:admin',
    'user:read',
    'user:write',
    'user:write:admin',
    'user:read:list_users:admin',
  ),
  'GET /users/email': light('user:read:admin', 'user:read', 'user:read:email:admin', 'user:read:user:admin'),
  'GET /users/:userId': light(...userReadScopes, 'user_info:read'),
  'GET /users/:userId/permissions': light(...withAdmin('user:read', 'user:read:list_permissions')),
};

export function registerUserRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const route = zoomRoutes(app, ctx, userEndpoints);

  route('GET /users', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const status = query.status ?? 'active';
    if (!['active', 'inactive', 'pending'].includes(status)) {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'status', message: 'Invalid field.' },
      ]);
    }
    const users = [...ctx.state.users.values()]
      .filter(
        (user) => user.status === status && (query.role_id === undefined || user.roleId === query.role_id),
      )
      .sort((a, b) => a.createdAt - b.createdAt || a.email.localeCompare(b.email));
    // page_size max is 300 in the 2024 spec and 2000 in the 2025 one (docs/zoom-platform.md §2.1): the newer value.
    const page = paginate(ctx, `users:${status}:${query.role_id ?? ''}`, users, query, {
      defaultSize: 30,
      maxSize: 2000,
    });
    if (!page.ok) return sendZoomError(reply, 400, 300, page.message);
    return {
      ...pageFields(page),
      page_number: page.page_number,
      users: page.items.map((user) => userListItem(ctx, user)),
    };
  });

  route('GET /users/email', async (request, reply) => {
    const email = (request.query as Record<string, string | undefined>).email;
    if (!email)
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'email', message: 'Invalid field.' },
      ]);
    return { existed_email: ctx.state.findUser(email) !== undefined };
  });

  route('GET /users/:userId', async (request, reply) => {
    const { userId } = request.params as { userId: string };
    if (userId !== 'me' && tokenOf(request).scopes.every((scope) => scope === 'user_info:read')) {
      // user_info:read only covers `me` (docs/zoom-platform.md §1.5).
      return sendZoomError(
        reply,
        400,
        4700,
        `Invalid access token, does not contain scopes:[${userReadScopes.join(', ')}].`,
      );
    }
    const user = resolveUserParam(ctx, request, reply, userId);
    if (!user) return reply;
    if (user.status === 'pending') return sendZoomError(reply, 404, 1001, `User does not exist: ${userId}.`);
    return userToWire(ctx, user);
  });

  route('GET /users/:userId/permissions', async (request, reply) => {
    const user = resolveUserParam(ctx, request, reply, (request.params as { userId: string }).userId);
    if (!user) return reply;
    return { permissions: [...(ctx.state.role(user.roleId)?.permissions ?? [])] };
  });
}
