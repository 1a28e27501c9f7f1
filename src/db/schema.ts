import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { recordingStatuses } from '../contract/import.ts';

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** Product name and URL filled into the recommended recording disclaimer. */
  productName: text('product_name').notNull().default('Callport'),
  productUrl: text('product_url'),
  /** Calls older than this many days are erased daily; null keeps them forever. */
  retentionDays: integer('retention_days'),
  createdAt: createdAt(),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'member'] })
      .notNull()
      .default('member'),
    /** A Callport seat: licensed users are the people whose calls get imported. */
    isLicensed: boolean('is_licensed').notNull().default(true),
    language: text('language', { enum: ['fr', 'en'] })
      .notNull()
      .default('fr'),
    passwordHash: text('password_hash'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    // One account per e-mail across Callport: sign-in needs no organisation picker.
    uniqueIndex('users_email_unique').on(sql`lower(${table.email})`),
    index('users_organization_idx').on(table.organizationId),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** SHA-256 of the cookie value: a database dump never yields a usable session. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('sessions_user_idx').on(table.userId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id'),
    action: text('action').notNull(),
    target: text('target'),
    details: jsonb('details').notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_org_idx').on(table.organizationId, table.createdAt)],
);

/**
 * People erased from an organisation, by the SHA-256 of the organisation id and a name they went by
 * (never the name): a transcript or chat Zoom finishes after the erasure is imported without them.
 */
export const erasedNames = pgTable(
  'erased_names',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    nameSha256: text('name_sha256').notNull(),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.organizationId, table.nameSha256] })],
);

/** One Zoom connection per organisation (the guide's "Relier Zoom"). Tokens are sealed (SecretBox). */
export const zoomConnections = pgTable(
  'zoom_connections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    appType: text('app_type', { enum: ['general', 'server_to_server'] }).notNull(),
    status: text('status', {
      enum: ['connected', 'reconnect_needed', 'disconnected', 'uninstalled'],
    }).notNull(),
    zoomAccountId: text('zoom_account_id').notNull(),
    zoomUserId: text('zoom_user_id').notNull(),
    zoomUserEmail: text('zoom_user_email').notNull(),
    zoomRoleName: text('zoom_role_name'),
    scopes: jsonb('scopes').$type<string[]>().notNull().default([]),
    connectedByUserId: uuid('connected_by_user_id'),
    connectedAt: timestamp('connected_at', { withTimezone: true }).notNull().defaultNow(),
    accessTokenSealed: text('access_token_sealed'),
    refreshTokenSealed: text('refresh_token_sealed'),
    tokenExpiresAt: timestamp('token_expires_at', { withTimezone: true }),
    tokenRefreshedAt: timestamp('token_refreshed_at', { withTimezone: true }),
    prerequisites: jsonb('prerequisites').$type<unknown[]>().notNull().default([]),
    lastApiSuccessAt: timestamp('last_api_success_at', { withTimezone: true }),
    lastWebhookAt: timestamp('last_webhook_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** What happens to imported calls after an uninstall: keep them, or delete them after N days. */
    uninstallDataPolicy: text('uninstall_data_policy', { enum: ['keep', 'delete'] })
      .notNull()
      .default('delete'),
    uninstallDeleteAfterDays: integer('uninstall_delete_after_days').notNull().default(7),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (table) => [
    uniqueIndex('zoom_connections_org_unique').on(table.organizationId),
    index('zoom_connections_account_idx').on(table.zoomAccountId),
  ],
);

/** An OAuth round trip in progress: `state` (hashed) ties the callback to the admin who started it. */
export const oauthStates = pgTable('oauth_states', {
  stateHash: text('state_hash').primaryKey(),
  organizationId: uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  codeVerifierSealed: text('code_verifier_sealed').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/**
 * Every verified webhook delivery; `dedupeKey` makes Zoom's duplicate deliveries harmless. The body
 * (host e-mails, topics, a 24-hour `download_token`) is kept sealed and only until the event is
 * processed; rows are pruned a week after they arrive. `payload` holds only bodies stored in plain text by
 * earlier versions and not processed yet (migration 0005 cleared the processed ones).
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull(),
    event: text('event').notNull(),
    zoomAccountId: text('zoom_account_id'),
    connectionId: uuid('connection_id'),
    eventTs: bigint('event_ts', { mode: 'number' }),
    payloadSealed: text('payload_sealed'),
    payload: jsonb('payload'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    outcome: text('outcome'),
  },
  (table) => [
    uniqueIndex('webhook_events_dedupe_unique').on(table.dedupeKey),
    index('webhook_events_connection_idx').on(table.connectionId, table.receivedAt),
    index('webhook_events_received_idx').on(table.receivedAt),
  ],
);

/** Requests sent to one Zoom account in one second, per rate-limit category, across all processes. */
export const zoomRateWindows = pgTable(
  'zoom_rate_windows',
  {
    accountKey: text('account_key').notNull(),
    category: text('category').notNull(),
    windowSecond: bigint('window_second', { mode: 'number' }).notNull(),
    count: integer('count').notNull().default(0),
    pausedUntil: timestamp('paused_until', { withTimezone: true }),
  },
  (table) => [primaryKey({ columns: [table.accountKey, table.category] })],
);

/** Zoom users of a connection, as last synced (pending users have no Zoom id yet). */
export const zoomUsers = pgTable(
  'zoom_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => zoomConnections.id, { onDelete: 'cascade' }),
    zoomUserId: text('zoom_user_id'),
    email: text('email').notNull(),
    displayName: text('display_name').notNull().default(''),
    type: integer('type'),
    status: text('status', { enum: ['active', 'inactive', 'pending'] }).notNull(),
    roleName: text('role_name'),
    syncedAt: timestamp('synced_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('zoom_users_email_unique').on(table.connectionId, sql`lower(${table.email})`),
    index('zoom_users_zoom_id_idx').on(table.connectionId, table.zoomUserId),
  ],
);

/** Callport user ↔ Zoom user, per connection (the guide's "Associer les utilisateurs"). */
export const userLinks = pgTable(
  'user_links',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => zoomConnections.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    zoomUserId: text('zoom_user_id').notNull(),
    zoomEmail: text('zoom_email').notNull(),
    method: text('method', { enum: ['automatic', 'manual'] }).notNull(),
    linkedByUserId: uuid('linked_by_user_id'),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.userId] }),
    uniqueIndex('user_links_zoom_user_unique').on(table.connectionId, table.zoomUserId),
  ],
);

/** Hosts whose recordings were seen but who are not linked: the unmatched inbox. */
export const seenHosts = pgTable(
  'seen_hosts',
  {
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => zoomConnections.id, { onDelete: 'cascade' }),
    zoomUserId: text('zoom_user_id').notNull(),
    email: text('email'),
    recordingsSeen: integer('recordings_seen').notNull().default(1),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    isIgnored: boolean('is_ignored').notNull().default(false),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.zoomUserId] })],
);

/** One Zoom meeting instance (UUID) with cloud recordings, and where its import stands. */
export const recordings = pgTable(
  'recordings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    connectionId: uuid('connection_id')
      .notNull()
      .references(() => zoomConnections.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    meetingUuid: text('meeting_uuid').notNull(),
    meetingId: bigint('meeting_id', { mode: 'number' }).notNull(),
    topic: text('topic').notNull(),
    hostZoomId: text('host_zoom_id').notNull(),
    hostEmail: text('host_email'),
    startTime: timestamp('start_time', { withTimezone: true }).notNull(),
    durationMinutes: integer('duration_minutes').notNull().default(0),
    recordingEnd: timestamp('recording_end', { withTimezone: true }),
    autoDeleteDate: timestamp('auto_delete_date', { withTimezone: true }),
    status: text('status', { enum: recordingStatuses }).notNull(),
    statusReason: text('status_reason'),
    attempts: integer('attempts').notNull().default(0),
    discoveredVia: text('discovered_via', { enum: ['webhook', 'sweep', 'manual'] }).notNull(),
    discoveredAt: timestamp('discovered_at', { withTimezone: true }).notNull().defaultNow(),
    importedAt: timestamp('imported_at', { withTimezone: true }),
    downloadTokenSealed: text('download_token_sealed'),
    downloadTokenExpiresAt: timestamp('download_token_expires_at', { withTimezone: true }),
    /** The job holding the import; another job waits until the lease ends. */
    claimedByJob: text('claimed_by_job'),
    claimedUntil: timestamp('claimed_until', { withTimezone: true }),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('recordings_instance_unique').on(table.connectionId, table.meetingUuid),
    index('recordings_org_status_idx').on(table.organizationId, table.status),
    index('recordings_meeting_idx').on(table.connectionId, table.meetingId),
  ],
);

/** A file of a recording; `fileKey` is Zoom's file id, or type + start for CC/TIMELINE files without one. */
export const recordingFiles = pgTable(
  'recording_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordingId: uuid('recording_id')
      .notNull()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    fileKey: text('file_key').notNull(),
    fileType: text('file_type').notNull(),
    recordingType: text('recording_type'),
    recordingStart: timestamp('recording_start', { withTimezone: true }),
    recordingEnd: timestamp('recording_end', { withTimezone: true }),
    expectedSize: bigint('expected_size', { mode: 'number' }),
    zoomStatus: text('zoom_status'),
    downloadUrl: text('download_url'),
    storageKey: text('storage_key'),
    storedSize: bigint('stored_size', { mode: 'number' }),
    sha256: text('sha256'),
    storedAt: timestamp('stored_at', { withTimezone: true }),
  },
  (table) => [uniqueIndex('recording_files_key_unique').on(table.recordingId, table.fileKey)],
);

/** Every status change of a recording, for the timeline and latency figures. */
export const recordingEvents = pgTable(
  'recording_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    recordingId: uuid('recording_id')
      .notNull()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    status: text('status').notNull(),
    detail: text('detail'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index('recording_events_recording_idx').on(table.recordingId, table.at)],
);

/** A call in the library: one per meeting instance. */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    recordingId: uuid('recording_id')
      .notNull()
      .references(() => recordings.id, { onDelete: 'cascade' }),
    hostUserId: uuid('host_user_id').references(() => users.id, { onDelete: 'set null' }),
    topic: text('topic').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationSeconds: integer('duration_seconds').notNull(),
    participants: jsonb('participants').$type<string[]>().notNull().default([]),
    chat: jsonb('chat').$type<Array<{ at: string; sender: string; text: string }>>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('calls_recording_unique').on(table.recordingId),
    index('calls_org_started_idx').on(table.organizationId, table.startedAt),
  ],
);

export const transcriptLines = pgTable(
  'transcript_lines',
  {
    callId: uuid('call_id')
      .notNull()
      .references(() => calls.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    speaker: text('speaker').notNull(),
    startMs: integer('start_ms').notNull(),
    endMs: integer('end_ms').notNull(),
    text: text('text').notNull(),
  },
  (table) => [primaryKey({ columns: [table.callId, table.seq] })],
);

/** Per connection: the sweep's progress, for health and overlapping windows. */
export const importSweeps = pgTable('import_sweeps', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => zoomConnections.id, { onDelete: 'cascade' }),
  lastStartedAt: timestamp('last_started_at', { withTimezone: true }),
  lastFinishedAt: timestamp('last_finished_at', { withTimezone: true }),
  lastWindowFrom: text('last_window_from'),
  recordingsFound: integer('recordings_found').notNull().default(0),
  requestsMade: integer('requests_made').notNull().default(0),
  lastError: text('last_error'),
});

/** Per connection: the recording policy's scope, targets, last audit, drift and manual confirmations. */
export const recordingPolicies = pgTable('recording_policies', {
  connectionId: uuid('connection_id')
    .primaryKey()
    .references(() => zoomConnections.id, { onDelete: 'cascade' }),
  scope: text('scope', { enum: ['account', 'group'] })
    .notNull()
    .default('account'),
  groupId: text('group_id'),
  groupName: text('group_name').notNull().default('Callport recording'),
  autoDeleteDays: integer('auto_delete_days').notNull().default(30),
  lastAudit: jsonb('last_audit').$type<unknown[]>(),
  lastAuditAt: timestamp('last_audit_at', { withTimezone: true }),
  lastApply: jsonb('last_apply').$type<unknown[]>(),
  drift: jsonb('drift').$type<unknown[]>().notNull().default([]),
  manualConfirmations: jsonb('manual_confirmations')
    .$type<Record<string, { by: string; at: string }>>()
    .notNull()
    .default({}),
});
