import { and, eq, isNull, lt, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema, updateRow } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';

const { zoomConnections, oauthStates, webhookEvents } = schema;

export type ConnectionRow = typeof zoomConnections.$inferSelect;

export async function findConnectionByOrganization(db: Db, organizationId: string) {
  const [row] = await db
    .select()
    .from(zoomConnections)
    .where(eq(zoomConnections.organizationId, organizationId));
  return row;
}

export async function findConnection(db: Db, connectionId: string) {
  const [row] = await db.select().from(zoomConnections).where(eq(zoomConnections.id, connectionId));
  return row;
}

export function findConnectionsByZoomAccount(db: Db, zoomAccountId: string) {
  return db.select().from(zoomConnections).where(eq(zoomConnections.zoomAccountId, zoomAccountId));
}

export function listActiveConnections(db: Db) {
  return db.select().from(zoomConnections).where(eq(zoomConnections.status, 'connected'));
}

/** Creates or replaces the organisation's connection (reconnecting keeps its id and its data). */
export async function upsertConnection(db: Db, values: typeof zoomConnections.$inferInsert) {
  const { organizationId: _, ...changes } = values;
  const [row] = await db
    .insert(zoomConnections)
    .values(values)
    .onConflictDoUpdate({
      target: zoomConnections.organizationId,
      set: { ...changes, endedAt: null, lastError: null },
    })
    .returning();
  return row!;
}

export async function updateConnection(
  db: Db,
  connectionId: string,
  values: Partial<Omit<ConnectionRow, 'id' | 'organizationId'>>,
) {
  return updateRow(db, zoomConnections, eq(zoomConnections.id, connectionId), values);
}

export async function lockConnection(db: Db, connectionId: string) {
  const [row] = await db
    .select()
    .from(zoomConnections)
    .where(eq(zoomConnections.id, connectionId))
    .for('update');
  return row;
}

/**
 * Takes the connection's token-refresh lease for `seconds`, in one committed statement: the row when it
 * was free (or its holder's lease ran out), `undefined` when another process holds it.
 */
export async function claimTokenRefresh(db: Db, connectionId: string, seconds: number) {
  const [row] = await db
    .update(zoomConnections)
    .set({ tokenRefreshLeaseUntil: sql`now() + make_interval(secs => ${seconds})` })
    .where(
      and(
        eq(zoomConnections.id, connectionId),
        or(
          isNull(zoomConnections.tokenRefreshLeaseUntil),
          lt(zoomConnections.tokenRefreshLeaseUntil, sql`now()`),
        ),
      ),
    )
    .returning();
  return row;
}

export async function insertOAuthState(db: Db, values: typeof oauthStates.$inferInsert) {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date()));
  await db.insert(oauthStates).values(values);
}

/** Takes the state (single use): returns it only if it exists, is not expired, and is then deleted. */
export async function takeOAuthState(db: Db, stateHash: string) {
  const [row] = await db.delete(oauthStates).where(eq(oauthStates.stateHash, stateHash)).returning();
  return row && row.expiresAt > new Date() ? row : undefined;
}

/** Stores a webhook delivery once; returns undefined when the same event was already stored. */
export async function insertWebhookEvent(db: Db, values: typeof webhookEvents.$inferInsert) {
  const [row] = await db
    .insert(webhookEvents)
    .values(values)
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  return row;
}

export async function findWebhookEvent(db: Db, eventId: string) {
  const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, eventId));
  return row;
}

/** Records the outcome and forgets the body: nothing needs it once its handlers have run. */
export async function markWebhookEventProcessed(db: Db, eventId: string, outcome: string) {
  await db
    .update(webhookEvents)
    .set({ processedAt: new Date(), outcome, payloadSealed: null, payload: null })
    .where(eq(webhookEvents.id, eventId));
}

/** Deletes deliveries received before `before` (or all of a purged connection's); returns the count. */
export async function deleteWebhookEvents(db: Db, where: { before: Date } | { connectionId: string }) {
  const rows = await db
    .delete(webhookEvents)
    .where(
      'before' in where
        ? lt(webhookEvents.receivedAt, where.before)
        : eq(webhookEvents.connectionId, where.connectionId),
    )
    .returning({ id: webhookEvents.id });
  return rows.length;
}

export async function touchConnectionWebhook(db: Db, zoomAccountId: string) {
  await db
    .update(zoomConnections)
    .set({ lastWebhookAt: new Date() })
    .where(and(eq(zoomConnections.zoomAccountId, zoomAccountId), ne(zoomConnections.status, 'disconnected')));
}

export async function touchConnectionApiSuccess(db: Db, connectionId: string) {
  await db
    .update(zoomConnections)
    .set({ lastApiSuccessAt: new Date() })
    .where(eq(zoomConnections.id, connectionId));
}

/** The organisation's connection when it is live; otherwise the API error that says what to do. */
export async function requireActiveConnection(db: Db, organizationId: string): Promise<ConnectionRow> {
  const connection = await findConnectionByOrganization(db, organizationId);
  if (connection?.status !== 'connected') {
    throw new AppError(
      'zoom_not_connected',
      'Zoom is not connected: connect it in Settings > Integrations.',
      {
        reason: 'zoom_not_connected',
      },
    );
  }
  return connection;
}
