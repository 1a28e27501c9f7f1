/**
 * `emulator.control`: the typed, in-process version of the admin API. Everything a test or the sandbox
 * needs to shape the emulated Zoom: users, groups, settings as an admin would change them in Zoom's web
 * portal, simulated meetings, the virtual clock, faults, webhooks, and the request log.
 */
import type { ZoomSettings } from '../zoom/wire.ts';
import type { FaultSettings } from './faults.ts';
import { addGroupMembers, createGroup, removeGroupMember } from './groups.ts';
import { contentSha256, contentSize } from './media.ts';
import type { NetworkProfile, NetworkProfileInput } from './network.ts';
import {
  installApp,
  isAppInstalled,
  registerApp,
  revokeAllTokens,
  revokeGrant,
  type TokenSet,
} from './oauth.ts';
import {
  deleteRecording,
  recoverRecording,
  type SimulateMeetingOptions,
  type SimulateMeetingResult,
  simulateMeeting,
  trashRecording,
  visibleFiles,
} from './recordings.ts';
import type { RequestCounts, RequestLogEntry } from './request-log.ts';
import { getPath } from './settings.ts';
import {
  effectiveGroupSettings,
  effectiveUserSettings,
  updateAccountLocks,
  updateAccountSettings,
  updateGroupLocks,
  updateOverrides,
} from './settings-routes.ts';
import type { Plan as RatePlan } from './state.ts';
import {
  type EmulatorAppRegistration,
  type EmulatorContext,
  EmulatorInputError,
  type GroupRecord,
  isoSeconds,
  type MeetingInstance,
  type MeetingSettingsSnapshot,
  type UserRecord,
} from './state.ts';
import {
  type CreateUserInput,
  createUser,
  deactivateUser,
  type UpdateUserInput,
  updateUser,
  userToWire,
} from './users.ts';
import type { WebhookDelivery, WebhookSettings } from './webhooks.ts';

export type UserInfo = ReturnType<typeof userToWire>;
export type GroupInfo = { id: string; name: string; memberIds: string[] };
export type AppInfo = EmulatorAppRegistration & {
  installed: boolean;
  webhookValidation: { status: 'pending' | 'validated' | 'failed'; at: string | null; detail: string | null };
};

export type RecordingFileInfo = {
  id: string | null;
  key: string;
  fileType: string;
  recordingType: string | null;
  fileName: string | null;
  recordingStart: string;
  recordingEnd: string;
  size: number;
  sha256: string;
  contentType: string;
  synthetic: boolean;
  downloadUrl: string;
  visible: boolean;
};

export type RecordingInfo = {
  uuid: string;
  meetingId: number;
  hostId: string;
  hostEmail: string;
  topic: string;
  startTime: string;
  status: 'processing' | 'completed';
  location: 'active' | 'trash' | 'deleted';
  completesAt: string;
  transcriptReadyAt: string | null;
  autoDeleteDate: string | null;
  trashedAt: string | null;
  files: RecordingFileInfo[];
};

export type MeetingInfo = {
  uuid: string;
  meetingId: number;
  hostId: string;
  topic: string;
  startTime: string;
  durationMinutes: number;
  recorded: boolean;
  reason: string | null;
  /** Recording, disclaimer and consent settings in force when the meeting ran. */
  settingsInForce: MeetingSettingsSnapshot;
  participants: { name: string; email?: string }[];
};

export type IssuedTokenInfo = {
  token: string;
  clientId: string;
  userId: string;
  accountId: string;
  grantId: string;
  grantKind: 'authorization_code' | 'account_credentials';
  issuedAt: string;
  expiresAt: string;
  revoked: boolean;
  revokedReason: string | null;
};

/** The typed control surface (see docs/emulator.md for the HTTP equivalents). */
export type EmulatorControl = ReturnType<typeof createControl>;

export function createControl(ctx: EmulatorContext) {
  const user = (idOrEmail: string): UserRecord => {
    const found = ctx.state.findUser(idOrEmail) ?? ctx.state.users.get(idOrEmail);
    if (!found) throw new EmulatorInputError(`User does not exist: ${idOrEmail}.`, 404);
    return found;
  };
  /** A change made in the web portal to a group's or a user's settings; returns its settings now in effect. */
  const changeOverrides = <T extends GroupRecord | UserRecord>(
    level: 'group' | 'user',
    target: T,
    patch: ZoomSettings,
    effective: (ctx: EmulatorContext, target: T) => ZoomSettings,
  ): ZoomSettings => {
    updateOverrides(ctx, level, target, patch, 'portal');
    return effective(ctx, target);
  };
  const group = (groupId: string): GroupRecord => {
    const found =
      ctx.state.groups.get(groupId) ?? [...ctx.state.groups.values()].find((g) => g.name === groupId);
    if (!found) throw new EmulatorInputError(`A group with this ${groupId} does not exist.`, 404);
    return found;
  };
  const meeting = (uuid: string): MeetingInstance => {
    const found = ctx.state.meetings.get(uuid);
    if (!found) throw new EmulatorInputError(`No meeting instance ${uuid}`, 404);
    return found;
  };
  const meetingInfo = (uuid: string): MeetingInfo => {
    const m = meeting(uuid);
    return {
      uuid: m.uuid,
      meetingId: m.meetingId,
      hostId: m.hostId,
      topic: m.topic,
      startTime: isoSeconds(m.startTime),
      durationMinutes: m.durationMinutes,
      recorded: m.recorded,
      reason: m.reason ?? null,
      settingsInForce: { ...m.settingsInForce },
      participants: m.participants.map((p) => ({ ...p })),
    };
  };
  const appInfo = (clientId: string): AppInfo => {
    const app = ctx.state.apps.get(clientId);
    if (!app) throw new EmulatorInputError(`Unknown app ${clientId}`, 404);
    const { registeredAt: _registeredAt, webhookValidation, ...registration } = app;
    return {
      ...registration,
      installed: isAppInstalled(ctx, app),
      webhookValidation: {
        ...webhookValidation,
        at: webhookValidation.at === null ? null : new Date(webhookValidation.at).toISOString(),
      },
    };
  };

  return {
    /** The emulated account. */
    account() {
      const { id, name, accountNumber, plan, ownerId } = ctx.state.account;
      return { id, name, accountNumber, plan, ownerId, ownerEmail: ctx.state.owner().email };
    },

    /** Registers an app (validates its webhook URL now and every 72 h). */
    registerApp(registration: EmulatorAppRegistration): AppInfo {
      registerApp(ctx, registration);
      return appInfo(registration.clientId);
    },
    getApp: appInfo,
    listApps(): AppInfo[] {
      return [...ctx.state.apps.keys()].map(appInfo);
    },
    /** As if `userEmail` (default: the owner) authorized a General app: returns a token set. */
    installApp(clientId: string, userEmail?: string): TokenSet {
      return installApp(ctx, clientId, userEmail ? user(userEmail) : ctx.state.owner());
    },
    /** Revokes every token of an app (no new consent can reuse them); emits `app_deauthorized`. */
    revokeAllTokens(clientId: string): number {
      return revokeAllTokens(ctx, clientId);
    },
    /** Uninstalls an app from an account, as from Zoom's Marketplace: tokens die, `app_deauthorized` is sent. */
    uninstallApp(clientId: string, accountId: string = ctx.state.account.id): number {
      let count = 0;
      for (const grant of ctx.state.grants.values()) {
        if (grant.clientId === clientId && grant.accountId === accountId && grant.revokedAt === null) {
          revokeGrant(ctx, grant, 'app uninstalled from the Marketplace');
          count += 1;
        }
      }
      return count;
    },
    /** Every access token issued, with its state (to assert that revoked connections are not used). */
    listAccessTokensIssued(): IssuedTokenInfo[] {
      return [...ctx.state.accessTokens.values()].map((token) => {
        const grant = ctx.state.grants.get(token.grantId);
        return {
          token: token.token,
          clientId: token.clientId,
          userId: token.userId,
          accountId: token.accountId,
          grantId: token.grantId,
          grantKind: grant?.kind ?? 'authorization_code',
          issuedAt: new Date(token.issuedAt).toISOString(),
          expiresAt: new Date(token.expiresAt).toISOString(),
          revoked: grant?.revokedAt !== null,
          revokedReason: grant?.revokedReason ?? null,
        };
      });
    },
    /** Runs `endpoint.url_validation` against an app's webhook URL now. */
    async validateWebhookEndpoint(clientId: string) {
      const app = ctx.state.apps.get(clientId);
      if (!app) throw new EmulatorInputError(`Unknown app ${clientId}`, 404);
      return ctx.webhooks.validateEndpoint(app);
    },

    createUser(input: CreateUserInput): UserInfo {
      return userToWire(ctx, createUser(ctx, input));
    },
    updateUser(idOrEmail: string, patch: UpdateUserInput): UserInfo {
      return userToWire(ctx, updateUser(ctx, idOrEmail, patch));
    },
    deactivateUser(idOrEmail: string): UserInfo {
      return userToWire(ctx, deactivateUser(ctx, idOrEmail));
    },
    getUser(idOrEmail: string): UserInfo {
      return userToWire(ctx, user(idOrEmail));
    },
    listUsers(): UserInfo[] {
      return [...ctx.state.users.values()].map((u) => userToWire(ctx, u));
    },

    createGroup(name: string, memberEmails: string[] = []): GroupInfo {
      const created = createGroup(ctx, name);
      addGroupMembers(ctx, created, memberEmails.map(user));
      return { id: created.id, name: created.name, memberIds: [...created.members.keys()] };
    },
    addGroupMembers(groupIdOrName: string, idsOrEmails: string[]): GroupInfo {
      const target = group(groupIdOrName);
      addGroupMembers(ctx, target, idsOrEmails.map(user));
      return { id: target.id, name: target.name, memberIds: [...target.members.keys()] };
    },
    /** Takes one user out of a group, as an admin does in Zoom's web portal. */
    removeGroupMember(groupIdOrName: string, idOrEmail: string): GroupInfo {
      const target = group(groupIdOrName);
      removeGroupMember(target, user(idOrEmail));
      return { id: target.id, name: target.name, memberIds: [...target.members.keys()] };
    },
    /** Deletes a group, as an admin does in Zoom's web portal (DELETE /groups/{groupId}): members leave it. */
    deleteGroup(groupIdOrName: string): void {
      const target = group(groupIdOrName);
      for (const memberId of [...target.members.keys()]) {
        const member = ctx.state.users.get(memberId);
        if (member) removeGroupMember(target, member);
      }
      ctx.state.groups.delete(target.id);
    },
    listGroups(): GroupInfo[] {
      return [...ctx.state.groups.values()].map((g) => ({
        id: g.id,
        name: g.name,
        memberIds: [...g.members.keys()],
      }));
    },

    getAccountSettings(): ZoomSettings {
      return structuredClone(ctx.state.account.settings);
    },
    /**
     * Changes account settings as an admin would in Zoom's web portal (portal rules: e.g. any auto-delete
     * period, where the API accepts only 30/60/90/120 days); emits `account.settings_updated`.
     */
    updateAccountSettings(patch: ZoomSettings, operatorEmail?: string): ZoomSettings {
      updateAccountSettings(ctx, patch, operatorEmail ? user(operatorEmail) : ctx.state.owner(), 'portal');
      return structuredClone(ctx.state.account.settings);
    },
    getAccountLockSettings(): ZoomSettings {
      return structuredClone(ctx.state.account.locks);
    },
    /** Emits `account.lock_settings_updated`. */
    updateAccountLockSettings(patch: ZoomSettings, operatorEmail?: string): ZoomSettings {
      updateAccountLocks(ctx, patch, operatorEmail ? user(operatorEmail) : ctx.state.owner());
      return structuredClone(ctx.state.account.locks);
    },
    getGroupSettings(groupIdOrName: string): ZoomSettings {
      return effectiveGroupSettings(ctx, group(groupIdOrName));
    },
    updateGroupSettings(groupIdOrName: string, patch: ZoomSettings): ZoomSettings {
      return changeOverrides('group', group(groupIdOrName), patch, effectiveGroupSettings);
    },
    updateGroupLockSettings(groupIdOrName: string, patch: ZoomSettings): ZoomSettings {
      const target = group(groupIdOrName);
      updateGroupLocks(ctx, target, patch);
      return structuredClone(target.locks);
    },
    /** A user's effective settings (account ← group ← user, with locks). */
    getUserSettings(idOrEmail: string): ZoomSettings {
      return effectiveUserSettings(ctx, user(idOrEmail));
    },
    updateUserSettings(idOrEmail: string, patch: ZoomSettings): ZoomSettings {
      return changeOverrides('user', user(idOrEmail), patch, effectiveUserSettings);
    },
    /** One effective setting of a user, by dotted path (`recording.auto_recording`). */
    getUserSetting(idOrEmail: string, path: string) {
      return getPath(effectiveUserSettings(ctx, user(idOrEmail)), path);
    },

    /** Scenario switch: the host stops every automatic cloud recording from now on (or no longer does). */
    setHostStopsRecording(idOrEmail: string, stops: boolean): void {
      user(idOrEmail).stopsRecording = stops;
    },
    /** Runs a meeting; it is recorded only if the host's effective settings (or a manual cloud recording) say so. */
    simulateMeeting(options: SimulateMeetingOptions): SimulateMeetingResult {
      return simulateMeeting(ctx, options);
    },
    getMeeting(uuid: string): MeetingInfo {
      return meetingInfo(uuid);
    },
    listMeetings(): MeetingInfo[] {
      return [...ctx.state.meetings.keys()].map(meetingInfo);
    },
    /** A recording with every file, its size and sha256 (computed once by streaming, then cached). */
    async getRecording(uuid: string): Promise<RecordingInfo | null> {
      const m = ctx.state.meetings.get(uuid);
      const recording = m?.recording;
      if (!m || !recording) return null;
      const visible = new Set(visibleFiles(ctx, m));
      const files: RecordingFileInfo[] = [];
      for (const file of recording.files) {
        files.push({
          id: file.id ?? null,
          key: file.key,
          fileType: file.fileType,
          recordingType: file.recordingType ?? null,
          fileName: file.fileName ?? null,
          recordingStart: isoSeconds(file.recordingStart),
          recordingEnd: isoSeconds(file.recordingEnd),
          size: contentSize(file.content),
          sha256: await contentSha256(file.content),
          contentType: file.content.contentType,
          synthetic: file.content.kind === 'synthetic',
          downloadUrl: `${ctx.baseUrl()}/rec/download/${file.key}`,
          visible: visible.has(file),
        });
      }
      return {
        uuid: m.uuid,
        meetingId: m.meetingId,
        hostId: m.hostId,
        hostEmail: ctx.state.users.get(m.hostId)?.email ?? '',
        topic: m.topic,
        startTime: isoSeconds(m.startTime),
        status: recording.status,
        location: recording.location,
        completesAt: isoSeconds(recording.completesAt),
        transcriptReadyAt:
          recording.transcriptReadyAt === null ? null : isoSeconds(recording.transcriptReadyAt),
        autoDeleteDate: recording.autoDeleteDate,
        trashedAt: recording.trashedAt === null ? null : isoSeconds(recording.trashedAt),
        files,
      };
    },
    trashRecording(uuid: string): void {
      trashRecording(ctx, meeting(uuid));
    },
    recoverRecording(uuid: string): void {
      recoverRecording(ctx, meeting(uuid));
    },
    deleteRecording(uuid: string): void {
      deleteRecording(ctx, meeting(uuid));
    },

    now(): Date {
      return ctx.clock.nowDate();
    },
    /** Advances virtual time, running what falls due on the way (processing, webhooks and their retries, auto-delete). */
    async advanceClock(seconds: number): Promise<Date> {
      ctx.webhooks.releaseHeld();
      await ctx.clock.advance(seconds);
      await ctx.webhooks.flush();
      return ctx.clock.nowDate();
    },
    pendingTasks() {
      return ctx.clock.pending().map((task) => ({ at: new Date(task.at).toISOString(), label: task.label }));
    },

    /** The network profile: latency and per-stream download bandwidth (docs/emulator.md#network-profile). */
    getNetwork(): NetworkProfile {
      return ctx.network.get();
    },
    /** `zoom`, `off`, or numbers over `off`; applies to requests that start afterwards. */
    setNetwork(profile: NetworkProfileInput): NetworkProfile {
      try {
        return ctx.network.set(profile);
      } catch (error) {
        if (error instanceof RangeError) throw new EmulatorInputError(error.message, 400);
        throw error;
      }
    },

    getFaults(): FaultSettings {
      return ctx.faults.get();
    },
    setFaults(patch: Partial<FaultSettings>): FaultSettings {
      return ctx.faults.set(patch);
    },
    resetFaults(): FaultSettings {
      ctx.faults.reset();
      return ctx.faults.get();
    },
    /** Turns rate limiting on or off, or changes the plan whose limits apply (docs/zoom-platform.md §5). */
    setRateLimits(options: { enabled?: boolean; plan?: RatePlan }) {
      if (options.enabled !== undefined) ctx.rateLimiter.enabled = options.enabled;
      if (options.plan) {
        ctx.rateLimiter.plan = options.plan;
        ctx.state.account.plan = options.plan;
      }
      return { enabled: ctx.rateLimiter.enabled, plan: ctx.rateLimiter.plan };
    },

    getWebhooks(): WebhookSettings {
      return ctx.webhooks.getSettings();
    },
    setWebhooks(patch: Partial<WebhookSettings>): WebhookSettings {
      return ctx.webhooks.setSettings(patch);
    },
    webhookLog(): WebhookDelivery[] {
      return ctx.webhooks.log();
    },
    /** Sends held (out-of-order) and delayed events now and waits for every delivery in flight. */
    deliverPendingWebhooks(): Promise<void> {
      return ctx.webhooks.deliverPending();
    },
    /** Waits for every delivery in flight. */
    flushWebhooks(): Promise<void> {
      return ctx.webhooks.flush();
    },

    requestLog(): RequestLogEntry[] {
      return ctx.requestLog.list();
    },
    requestCounts(): RequestCounts {
      return ctx.requestLog.counts();
    },
    clearRequestLog(): void {
      ctx.requestLog.clear();
    },
  };
}
