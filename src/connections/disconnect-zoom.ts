import { insertAuditEntry } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import type { Logger } from '../lib/logger.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { revokeToken } from '../zoom/index.ts';
import { type ConnectionRow, updateConnection } from './queries.ts';
import type { ConnectionEvent, ZoomAccess } from './zoom-access.ts';

const endedState = {
  accessTokenSealed: null,
  refreshTokenSealed: null,
  tokenExpiresAt: null,
} as const;

/**
 * The Disconnect button: revoke at Zoom (which makes Zoom send `app_deauthorized`), then forget the
 * tokens whatever Zoom answered, so nothing can call Zoom for this connection any more.
 */
export async function disconnectZoom(
  deps: {
    db: Db;
    box: SecretBox;
    access: ZoomAccess;
    logger: Logger;
    onConnectionEvent?: (event: ConnectionEvent) => void;
  },
  connection: ConnectionRow,
  actorUserId: string,
): Promise<{ revokedAtZoom: boolean }> {
  let revokedAtZoom = false;
  if (connection.accessTokenSealed && connection.appType === 'general') {
    try {
      await revokeToken(deps.access.app, deps.box.open(connection.accessTokenSealed));
      revokedAtZoom = true;
    } catch (error) {
      deps.logger.warn({ err: error, connectionId: connection.id }, 'Zoom did not confirm the revocation');
    }
  }
  await deps.db.transaction(async (tx) => {
    await updateConnection(tx, connection.id, { ...endedState, status: 'disconnected', endedAt: new Date() });
    await insertAuditEntry(tx, {
      organizationId: connection.organizationId,
      actorUserId,
      action: 'zoom.disconnected',
      target: connection.id,
      details: { revokedAtZoom },
    });
  });
  deps.onConnectionEvent?.({
    type: 'disconnected',
    connectionId: connection.id,
    organizationId: connection.organizationId,
  });
  return { revokedAtZoom };
}

/** When an uninstalled organisation's Zoom data is deleted, if its policy says so. */
export function dataDeletionDate(endedAt: Date, afterDays: number): Date {
  return new Date(endedAt.getTime() + afterDays * 86_400_000);
}

/**
 * Zoom's `app_deauthorized` (uninstalled from the Marketplace, or revoked): tokens are deleted at once
 * and the connection ends; imported data is then kept or scheduled for deletion by the organisation's
 * policy (Zoom's rule: within 10 days, docs/zoom-platform.md §4.4).
 */
export async function handleAppDeauthorized(
  deps: { db: Db; onConnectionEvent?: (event: ConnectionEvent) => void },
  connection: ConnectionRow,
  event: { deauthorizationTime?: string },
): Promise<{ deleteDataAfter: Date | null }> {
  const endedAt = new Date();
  const deleteDataAfter =
    connection.uninstallDataPolicy === 'delete'
      ? dataDeletionDate(endedAt, connection.uninstallDeleteAfterDays)
      : null;
  await deps.db.transaction(async (tx) => {
    await updateConnection(tx, connection.id, { ...endedState, status: 'uninstalled', endedAt });
    await insertAuditEntry(tx, {
      organizationId: connection.organizationId,
      actorUserId: null,
      action: 'zoom.uninstalled',
      target: connection.id,
      details: {
        deauthorizationTime: event.deauthorizationTime ?? null,
        dataPolicy: connection.uninstallDataPolicy,
        deleteDataAfter: deleteDataAfter?.toISOString() ?? null,
      },
    });
  });
  deps.onConnectionEvent?.({
    type: 'uninstalled',
    connectionId: connection.id,
    organizationId: connection.organizationId,
  });
  return { deleteDataAfter };
}
