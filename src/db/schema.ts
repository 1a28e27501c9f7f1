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

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const organizations = pgTable('organizations', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  /** Product name and URL filled into the recommended recording disclaimer. */
  productName: text('product_name').notNull().default('Callport'),
  productUrl: text('product_url'),
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

/** Every verified webhook delivery; `dedupeKey` makes Zoom's duplicate deliveries harmless. */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dedupeKey: text('dedupe_key').notNull(),
    event: text('event').notNull(),
    zoomAccountId: text('zoom_account_id'),
    connectionId: uuid('connection_id'),
    eventTs: bigint('event_ts', { mode: 'number' }),
    payload: jsonb('payload').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
    outcome: text('outcome'),
  },
  (table) => [
    uniqueIndex('webhook_events_dedupe_unique').on(table.dedupeKey),
    index('webhook_events_connection_idx').on(table.connectionId, table.receivedAt),
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
