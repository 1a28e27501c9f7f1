/**
 * The emulator's in-memory Zoom: one account with its users, groups, settings, meetings, recordings,
 * registered apps and issued tokens. Plain records; behaviour lives in the files per concern.
 */
import type { Logger } from '../lib/logger.ts';
import type { ZoomSettings } from '../zoom/wire.ts';
import type { VirtualClock } from './clock.ts';
import type { FaultController } from './faults.ts';
import type { FileContent } from './media.ts';
import type { NetworkController } from './network.ts';
import type { SeededRandom } from './random.ts';
import type { RateLimiter } from './rate-limits.ts';
import type { RequestLog } from './request-log.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** An app registered on the emulator's marketplace, as the factory and `registerApp` take it. */
export type EmulatorAppRegistration = {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  scopes: string[];
  webhookUrl?: string | undefined;
  webhookSecretToken: string;
  type: 'general' | 'server_to_server';
  /** Server-to-server apps belong to one account; defaults to the emulator's account. */
  accountId?: string | undefined;
};

export type Plan = 'free' | 'pro' | 'business';

export type AccountRecord = {
  id: string;
  name: string;
  accountNumber: number;
  plan: Plan;
  ownerId: string;
  settings: ZoomSettings;
  locks: ZoomSettings;
  createdAt: number;
};

export type UserType = 1 | 2 | 4 | 99;
export type UserStatus = 'active' | 'inactive' | 'pending';

export type UserRecord = {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
  type: UserType;
  roleId: string;
  status: UserStatus;
  pmi: number;
  timezone: string;
  language: string;
  dept: string;
  jobTitle: string;
  createdAt: number;
  lastLoginAt: number | null;
  groupIds: string[];
  /** Sparse user-level overrides; effective settings are resolved with the account and group. */
  settings: ZoomSettings;
  /** Scenario switch: this host stops every automatic cloud recording (where settings let hosts stop it). */
  stopsRecording?: boolean;
};

export type GroupRecord = {
  id: string;
  name: string;
  settings: ZoomSettings;
  locks: ZoomSettings;
  createdAt: number;
  /** When each member was added (user id → epoch ms); membership order for listings. */
  members: Map<string, number>;
};

export type RoleRecord = { id: string; name: string; description: string; permissions: string[] };

export type TranscriptLine = { speaker: string; text: string; startMs?: number; endMs?: number };
export type ChatLine = { sender: string; text: string; atSecond?: number };
export type Participant = { name: string; email?: string };

/** The recording settings in force when a meeting ran (visible through the admin API). */
export type MeetingSettingsSnapshot = {
  cloud_recording: boolean;
  auto_recording: string;
  record_speaker_view: boolean;
  display_participant_name: boolean;
  recording_thumbnails: boolean;
  recording_disclaimer: boolean;
  ask_participants_to_consent_disclaimer: boolean;
  ask_host_to_confirm_disclaimer: boolean;
  host_pause_stop_recording: boolean;
  auto_delete_cmr: boolean;
  auto_delete_cmr_days: number;
  recording_audio_transcript: boolean;
};

export type RecordingFileRecord = {
  /** Always set: the path segment of this file's download URL. */
  key: string;
  /** Zoom's file id; absent on CC files (docs/zoom-platform.md §2.3). */
  id?: string | undefined;
  fileType: string;
  fileExtension: string;
  recordingType?: string | undefined;
  fileName?: string | undefined;
  recordingStart: number;
  recordingEnd: number;
  content: FileContent;
  /** Transcript files exist only once the transcript is ready. */
  isTranscript: boolean;
  isParticipantAudio: boolean;
  /** Set when this one file was trashed or deleted (`DELETE /meetings/{id}/recordings/{fileId}`). */
  location?: 'trash' | 'deleted' | undefined;
  trashedAt?: number | undefined;
};

export type RecordingRecord = {
  status: 'processing' | 'completed';
  completesAt: number;
  transcriptReadyAt: number | null;
  location: 'active' | 'trash' | 'deleted';
  trashedAt: number | null;
  autoDeleteDate: string | null;
  playPasscode: string;
  shareKey: string;
  files: RecordingFileRecord[];
};

export type MeetingInstance = {
  uuid: string;
  meetingId: number;
  hostId: string;
  topic: string;
  type: number;
  startTime: number;
  durationMinutes: number;
  timezone: string;
  password: string;
  participants: Participant[];
  transcript: TranscriptLine[];
  chat: ChatLine[];
  settingsInForce: MeetingSettingsSnapshot;
  recorded: boolean;
  reason?: string | undefined;
  recording: RecordingRecord | null;
  /** AI Companion's meeting summary, for meetings that had it on (`GET /meetings/{id}/meeting_summary`). */
  summary?: MeetingSummaryRecord | undefined;
};

/** What AI Companion wrote for a meeting (docs/zoom-platform.md §2.6). */
export type MeetingSummaryRecord = {
  title: string;
  overview: string;
  details: { label: string; summary: string }[];
  nextSteps: string[];
  /** The host's edits in Zoom (`edited_summary`): the topics as one text, as Zoom sends them. */
  edited?: { overview?: string; details?: string; nextSteps?: string[] } | undefined;
  /** The whole summary as one Markdown text (`summary_content`), as newer summaries carry it. */
  content?: string | undefined;
  /** The summary's Zoom Docs page (`summary_doc_url`). */
  docUrl?: string | undefined;
  createdAt: number;
};

export type GrantRecord = {
  id: string;
  clientId: string;
  accountId: string;
  userId: string;
  scopes: string[];
  kind: 'authorization_code' | 'account_credentials';
  createdAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
};

export type AccessTokenRecord = {
  token: string;
  grantId: string;
  clientId: string;
  accountId: string;
  userId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
};

export type RefreshTokenRecord = { token: string; grantId: string; issuedAt: number; usedAt: number | null };

export type AuthCodeRecord = {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  accountId: string;
  scopes: string[];
  expiresAt: number;
  usedAt: number | null;
  codeChallenge: string | null;
  codeChallengeMethod: 'plain' | 'S256';
};

/** `download_token` of recording webhooks and `download_access_token` of the recordings API (docs/zoom-platform.md §4.3). */
export type DownloadTokenRecord = {
  token: string;
  meetingUuid: string;
  expiresAt: number;
  source: 'webhook' | 'download_access_token';
};

export type AppRecord = EmulatorAppRegistration & {
  registeredAt: number;
  webhookValidation: { status: 'pending' | 'validated' | 'failed'; at: number | null; detail: string | null };
};

export class EmulatorState {
  account!: AccountRecord;
  readonly users = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly roles: RoleRecord[] = [];
  readonly meetings = new Map<string, MeetingInstance>();
  readonly apps = new Map<string, AppRecord>();
  readonly grants = new Map<string, GrantRecord>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly authCodes = new Map<string, AuthCodeRecord>();
  readonly downloadTokens = new Map<string, DownloadTokenRecord>();
  /** Next-page tokens: token → { cursor state, expiry } (15 minutes, docs/zoom-platform.md §2). */
  readonly pageTokens = new Map<string, { scope: string; offset: number; expiresAt: number }>();

  /** Finds a user by id or email (case-insensitive, as Zoom matches emails). Pending users match by email only. */
  findUser(idOrEmail: string): UserRecord | undefined {
    const byId = this.users.get(idOrEmail);
    if (byId && byId.status !== 'pending') return byId;
    const lower = idOrEmail.toLowerCase();
    for (const user of this.users.values()) if (user.email.toLowerCase() === lower) return user;
    return undefined;
  }

  owner(): UserRecord {
    const owner = this.users.get(this.account.ownerId);
    if (!owner) throw new Error('the emulated account has no owner');
    return owner;
  }

  role(roleId: string): RoleRecord | undefined {
    return this.roles.find((role) => role.id === roleId);
  }

  instancesOf(meetingId: number): MeetingInstance[] {
    return [...this.meetings.values()]
      .filter((m) => m.meetingId === meetingId)
      .sort((a, b) => a.startTime - b.startTime);
  }
}

/** What every part of the emulator shares. */
export type EmulatorContext = {
  state: EmulatorState;
  clock: VirtualClock;
  /** Ids (users, meetings, files): seeded so a scenario looks the same on every run with the same seed. */
  ids: SeededRandom;
  logger: Logger;
  faults: FaultController;
  /** Latency and per-stream bandwidth of a real network (off unless asked for). */
  network: NetworkController;
  rateLimiter: RateLimiter;
  requestLog: RequestLog;
  webhooks: WebhookDispatcher;
  /** Secret for signed download URLs. */
  urlSigningKey: Buffer;
  /** Base URL once the server listens (`http://127.0.0.1:PORT`). */
  baseUrl: () => string;
};

/** A control call with bad input (unknown user, invalid settings...): the admin API answers 400/404 with it. */
export class EmulatorInputError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409 = 400,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'EmulatorInputError';
  }
}

/** ISO 8601 without milliseconds, as Zoom writes times (`2021-03-18T05:41:36Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
