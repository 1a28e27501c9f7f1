/**
 * Settings and lock settings at account, group and user level (docs/zoom-platform.md §2.1, §3): REST routes, the admin
 * operations, and the `account.settings_updated` / `account.lock_settings_updated` events (docs/zoom-platform.md §4.2).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZoomSettings } from '../zoom/wire.ts';
import { groupOr404 } from './groups.ts';
import { sendZoomError, tokenOf } from './request-info.ts';
import { medium, zoomRoute } from './server.ts';
import {
  deepMerge,
  defaultLockSettings,
  filterByQueryFields,
  getPath,
  leaves,
  lockOptionView,
  resolveGroupLocks,
  resolveSettings,
  restrictToLevel,
  type SettingsLevel,
  type SettingsRules,
  setPath,
  settingsOptionView,
  type ValidationError,
  validateSettingsPatch,
} from './settings.ts';
import { type EmulatorContext, EmulatorInputError, type GroupRecord, type UserRecord } from './state.ts';
import { resolveUserParam } from './users.ts';

/** Settings validation failed: Zoom's 400 code 300 "Validation Failed." with `errors[]` (docs/zoom-platform.md §6). */
export class SettingsValidationError extends EmulatorInputError {
  constructor(readonly errors: ValidationError[]) {
    super('Validation Failed.', 400, errors);
  }
}

export function primaryGroup(ctx: EmulatorContext, user: UserRecord): GroupRecord | undefined {
  const id = user.groupIds[0];
  return id ? ctx.state.groups.get(id) : undefined;
}

/** A group's effective settings: the account's, overridden by the group's where the account doesn't lock. */
export function effectiveGroupSettings(ctx: EmulatorContext, group: GroupRecord): ZoomSettings {
  const { account } = ctx.state;
  return restrictToLevel(
    resolveSettings({
      account: account.settings,
      accountLocks: account.locks,
      group: { settings: group.settings, locks: group.locks },
    }),
    'group',
  );
}

/** A user's effective settings: account ← (primary) group ← user, locks winning (docs/zoom-platform.md §3). */
export function effectiveUserSettings(ctx: EmulatorContext, user: UserRecord): ZoomSettings {
  const { account } = ctx.state;
  const group = primaryGroup(ctx, user);
  return restrictToLevel(
    resolveSettings({
      account: account.settings,
      accountLocks: account.locks,
      group: group ? { settings: group.settings, locks: group.locks } : undefined,
      user: user.settings,
    }),
    'user',
  );
}

function oldValues(current: ZoomSettings, patch: ZoomSettings): ZoomSettings {
  const old: ZoomSettings = {};
  for (const [path] of leaves(patch)) {
    const value = getPath(current, path);
    if (value !== undefined) setPath(old, path, structuredClone(value));
  }
  return old;
}

function validate(
  patch: unknown,
  template: ZoomSettings,
  level: SettingsLevel,
  options: { locks?: boolean; rules?: SettingsRules } = {},
): ZoomSettings {
  const errors = validateSettingsPatch(patch, template, level, options);
  if (errors.length > 0) throw new SettingsValidationError(errors);
  return patch as ZoomSettings;
}

function emitSettingsEvent(
  ctx: EmulatorContext,
  event: 'account.settings_updated' | 'account.lock_settings_updated',
  operator: UserRecord,
  changed: ZoomSettings,
  old: ZoomSettings,
): void {
  const now = ctx.clock.now();
  const accountId = ctx.state.account.id;
  ctx.webhooks.emit(event, () => ({
    event,
    event_ts: now,
    payload: {
      account_id: accountId,
      operator: operator.email,
      operator_id: operator.id,
      time_stamp: now,
      object: { id: accountId, settings: structuredClone(changed) },
      old_object: { id: accountId, settings: old },
    },
  }));
}

/** PATCH account settings (deep merge) and emit `account.settings_updated` with the operator and the changes. */
export function updateAccountSettings(
  ctx: EmulatorContext,
  patch: unknown,
  operator: UserRecord,
  rules: SettingsRules = 'api',
): void {
  const { account } = ctx.state;
  const body = validate(patch, account.settings, 'account', { rules });
  const old = oldValues(account.settings, body);
  account.settings = deepMerge(account.settings, body);
  emitSettingsEvent(ctx, 'account.settings_updated', operator, body, old);
}

/** PATCH account lock settings and emit `account.lock_settings_updated`. */
export function updateAccountLocks(ctx: EmulatorContext, patch: unknown, operator: UserRecord): void {
  const { account } = ctx.state;
  const body = validate(patch, defaultLockSettings(), 'account', { locks: true });
  const old = oldValues(account.locks, body);
  account.locks = deepMerge(account.locks, body);
  emitSettingsEvent(ctx, 'account.lock_settings_updated', operator, body, old);
}

export function updateGroupLocks(_ctx: EmulatorContext, group: GroupRecord, patch: unknown): void {
  const body = validate(patch, defaultLockSettings(), 'group', { locks: true });
  group.locks = deepMerge(group.locks, body);
}

/**
 * Stores a group's or a user's overrides, within what the account lets that level set; while a higher level
 * locks a field, its override has no effect.
 */
export function updateOverrides(
  ctx: EmulatorContext,
  level: 'group' | 'user',
  target: GroupRecord | UserRecord,
  patch: unknown,
  rules: SettingsRules = 'api',
): void {
  const body = validate(patch, restrictToLevel(ctx.state.account.settings, level), level, { rules });
  target.settings = deepMerge(target.settings, body);
}

const settingsOptions = [
  'meeting_authentication',
  'recording_authentication',
  'security',
  'meeting_security',
];

/** GET view: `option` selects an alternative shape, `custom_query_fields` filters (docs/zoom-platform.md §3). */
function settingsView(
  reply: FastifyReply,
  request: FastifyRequest,
  effective: ZoomSettings,
  allowed: string[],
) {
  const query = request.query as Record<string, string | undefined>;
  if (query.option) {
    if (!allowed.includes(query.option)) {
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'option', message: 'Invalid field.' },
      ]);
    }
    const view = settingsOptionView(query.option, effective);
    if (view) return reply.send(view);
  }
  return reply.send(
    query.custom_query_fields ? filterByQueryFields(effective, query.custom_query_fields) : effective,
  );
}

function lockView(reply: FastifyReply, request: FastifyRequest, locks: ZoomSettings) {
  const query = request.query as Record<string, string | undefined>;
  if (query.option) {
    const view = lockOptionView(query.option);
    if (!view)
      return sendZoomError(reply, 400, 300, 'Validation Failed.', [
        { field: 'option', message: 'Invalid field.' },
      ]);
    return reply.send(view);
  }
  return reply.send(
    query.custom_query_fields ? filterByQueryFields(locks, query.custom_query_fields) : locks,
  );
}

/** Runs a settings change and maps validation errors to Zoom's code 300 reply. */
function applyPatch(reply: FastifyReply, change: () => void) {
  try {
    change();
  } catch (error) {
    if (error instanceof SettingsValidationError)
      return sendZoomError(reply, 400, 300, 'Validation Failed.', error.errors);
    throw error;
  }
  return reply.status(204).send();
}

function accountOr404(ctx: EmulatorContext, request: FastifyRequest, reply: FastifyReply): boolean {
  const { accountId } = request.params as { accountId: string };
  if (accountId === 'me' || accountId === ctx.state.account.id) return true;
  sendZoomError(reply, 404, 2001, `Account does not exist: ${accountId}.`);
  return false;
}

function operatorOf(ctx: EmulatorContext, request: FastifyRequest): UserRecord {
  return ctx.state.users.get(tokenOf(request).userId) ?? ctx.state.owner();
}

interface SettingsResource<T> {
  scopes: { read: string[]; write: string[] };
  read(target: T): ZoomSettings;
  update(target: T, request: FastifyRequest): void;
}

/** One level's settings (and, but for users, lock settings) routes: GET and PATCH, each with its scopes. */
interface SettingsLevelRoutes<T> {
  path: `/${string}`;
  /** The account, group or user the path names, or null once a 404 (or 400) reply is sent. */
  find(request: FastifyRequest, reply: FastifyReply): T | null;
  /** False once a reply refusing the change is sent. */
  canWrite?(reply: FastifyReply): boolean;
  settings: SettingsResource<T> & { options: string[] };
  locks?: SettingsResource<T>;
}

function registerSettingsLevel<T>(app: FastifyInstance, ctx: EmulatorContext, level: SettingsLevelRoutes<T>) {
  const { settings, locks } = level;
  const canWrite = level.canWrite ?? (() => true);
  const views: [string, SettingsResource<T>, typeof lockView][] = [
    ['settings', settings, (reply, request, view) => settingsView(reply, request, view, settings.options)],
  ];
  if (locks) views.push(['lock_settings', locks, lockView]);
  for (const [name, resource, show] of views) {
    const { scopes } = resource;
    // Settings endpoints are all Medium (docs/zoom-platform.md §2.1).
    const path = `${level.path}/${name}` as const;
    zoomRoute(app, ctx, `GET ${path}`, medium(...scopes.read), async (request, reply) => {
      const target = level.find(request, reply);
      return target ? show(reply, request, resource.read(target)) : reply;
    });
    zoomRoute(app, ctx, `PATCH ${path}`, medium(...scopes.write), async (request, reply) => {
      const target = level.find(request, reply);
      if (!target || !canWrite(reply)) return reply;
      return applyPatch(reply, () => resource.update(target, request));
    });
  }
}

const userAndGroupOptions = ['meeting_authentication', 'recording_authentication', 'meeting_security'];

export function registerSettingsRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  registerSettingsLevel(app, ctx, {
    path: '/accounts/:accountId',
    find: (request, reply) => (accountOr404(ctx, request, reply) ? ctx.state.account : null),
    canWrite: (reply) => {
      if (ctx.state.account.plan !== 'free') return true;
      sendZoomError(reply, 400, 200, 'Only available for paid accounts.');
      return false;
    },
    settings: {
      scopes: {
        read: ['account:read:admin', 'account:read:settings:admin'],
        write: ['account:write:admin', 'account:update:settings:admin'],
      },
      options: settingsOptions,
      read: (account) => structuredClone(account.settings),
      update: (_account, request) => updateAccountSettings(ctx, request.body, operatorOf(ctx, request)),
    },
    locks: {
      scopes: {
        read: ['account:read:admin', 'account:read:lock_settings:admin', 'account:read:lock_settings:master'],
        write: ['account:write:admin', 'account:update:lock_settings:admin'],
      },
      read: (account) => structuredClone(account.locks),
      update: (_account, request) => updateAccountLocks(ctx, request.body, operatorOf(ctx, request)),
    },
  });
  registerSettingsLevel(app, ctx, {
    path: '/groups/:groupId',
    find: (request, reply) => groupOr404(ctx, request, reply),
    settings: {
      scopes: {
        read: ['group:read:admin', 'group:read:settings:admin'],
        write: ['group:write:admin', 'group:update:settings:admin'],
      },
      options: userAndGroupOptions,
      read: (group) => effectiveGroupSettings(ctx, group),
      update: (group, request) => updateOverrides(ctx, 'group', group, request.body),
    },
    locks: {
      scopes: {
        read: ['group:read:admin', 'group:read:lock_settings:admin'],
        write: ['group:write:admin', 'group:update:lock_settings:admin'],
      },
      read: (group) => resolveGroupLocks(ctx.state.account.locks, group.locks),
      update: (group, request) => updateGroupLocks(ctx, group, request.body),
    },
  });
  registerSettingsLevel(app, ctx, {
    path: '/users/:userId',
    find: (request, reply) =>
      resolveUserParam(ctx, request, reply, (request.params as { userId: string }).userId),
    settings: {
      scopes: {
        read: ['user:read', 'user:read:admin', 'user:read:settings', 'user:read:settings:admin'],
        write: ['user:write', 'user:write:admin', 'user:update:settings', 'user:update:settings:admin'],
      },
      options: userAndGroupOptions,
      read: (user) => effectiveUserSettings(ctx, user),
      update: (user, request) => updateOverrides(ctx, 'user', user, request.body),
    },
  });
}
