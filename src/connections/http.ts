import { listUsers } from '../accounts/index.ts';
import type { ZoomConnection, ZoomIntegration } from '../contract/index.ts';
import { updateZoomIntegrationRequestSchema } from '../contract/index.ts';
import { AppError } from '../lib/errors.ts';
import { decodeMessage } from '../lib/messages.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { checkPrerequisites, requiredScopes } from './check-prerequisites.ts';
import { completeZoomAuthorization, connectServerToServer, startZoomAuthorization } from './connect-zoom.ts';
import { dataDeletionDate, disconnectZoom } from './disconnect-zoom.ts';
import type { ConnectionsFeature } from './feature.ts';
import {
  type ConnectionRow,
  findConnectionByOrganization,
  requireActiveConnection,
  updateConnection,
} from './queries.ts';
import { receiveZoomWebhook } from './receive-webhook.ts';

const webhookBodyLimit = 256 * 1024;

export function registerConnectionsRoutes(feature: ConnectionsFeature) {
  const { db, access, publicUrl } = feature.deps;
  const integrationsPage = `${publicUrl}/settings/integrations`;

  return async (app: App) => {
    const signedIn = signedInRoutes(app, 'user');
    const admin = signedInRoutes(app, 'admin');
    signedIn.get('/api/integrations/zoom', async (principal): Promise<ZoomIntegration> => {
      const connection = await findConnectionByOrganization(db, principal.organizationId);
      return {
        connection: connection ? await toZoomConnection(connection) : null,
        appType: access.app.type,
        isSandbox: feature.deps.isSandbox,
        redirectUri: access.app.redirectUri,
        webhookUrl: `${publicUrl}/webhooks/zoom`,
        requiredScopes,
      };
    });

    admin.get('/api/integrations/zoom/connect', async (principal, _request, reply) => {
      if (access.app.type === 'server_to_server') {
        const result = await connectServerToServer(feature.deps, principal);
        // The same first steps as an OAuth connect: user sync, sweep, audit.
        if (result.outcome === 'connected') feature.afterConnect(result.connectionId);
        return reply.redirect(
          result.outcome === 'connected'
            ? `${integrationsPage}?zoom=connected`
            : `${integrationsPage}?zoom=error&reason=${result.reason}`,
        );
      }
      return reply.redirect(await startZoomAuthorization(feature.deps, principal));
    });

    signedIn.get('/api/integrations/zoom/callback', async (principal, request, reply) => {
      if (principal.role !== 'admin')
        return reply.redirect(`${integrationsPage}?zoom=error&reason=not_admin`);
      const query = request.query as { code?: string; state?: string; error?: string };
      const result = await completeZoomAuthorization(feature.deps, principal, {
        code: typeof query.code === 'string' ? query.code : undefined,
        state: typeof query.state === 'string' ? query.state : undefined,
        error: typeof query.error === 'string' ? query.error : undefined,
      });
      if (result.outcome === 'connected') feature.afterConnect(result.connectionId);
      return reply.redirect(
        result.outcome === 'connected'
          ? `${integrationsPage}?zoom=connected`
          : `${integrationsPage}?zoom=error&reason=${result.reason}`,
      );
    });

    admin.post('/api/integrations/zoom/check', async (principal) => {
      // Only a live connection has tokens to check with (a disconnected one answers 409, not 500).
      const connection = await requireActiveConnection(db, principal.organizationId);
      const client = access.clientFor(connection);
      const me = await client.getMe();
      const prerequisites = await checkPrerequisites({
        client,
        me,
        grantedScopes: connection.scopes,
        isCallportAdmin: true,
      });
      const updated = await updateConnection(db, connection.id, {
        prerequisites,
        zoomRoleName: me.role_name ?? null,
      });
      return toZoomConnection(updated ?? connection);
    });

    admin.patch('/api/integrations/zoom', async (principal, request) => {
      const input = parseInput(updateZoomIntegrationRequestSchema, request.body);
      const connection = await requireConnection(principal.organizationId);
      // After an uninstall the deletion is already scheduled for its day: the admin may keep the data
      // (the purge then does nothing) or delete it as planned, not move the day.
      if (
        connection.status === 'uninstalled' &&
        input.uninstallDeleteAfterDays !== undefined &&
        input.uninstallDeleteAfterDays !== connection.uninstallDeleteAfterDays
      ) {
        throw new AppError('conflict', 'The deletion day is set once Zoom has uninstalled Callport.', {
          reason: 'uninstall_deletion_scheduled',
        });
      }
      const updated = await updateConnection(db, connection.id, input);
      return toZoomConnection(updated ?? connection);
    });

    admin.post('/api/integrations/zoom/disconnect', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
      return disconnectZoom(feature.deps, connection, principal.userId);
    });

    await app.register(async (scope) => {
      // The signature covers the exact bytes Zoom sent: keep them raw, parse after verifying.
      scope.addContentTypeParser(
        'application/json',
        { parseAs: 'buffer', bodyLimit: webhookBodyLimit },
        (_request, body, done) => done(null, body),
      );
      scope.post(
        '/webhooks/zoom',
        { config: { access: 'webhook' }, bodyLimit: webhookBodyLimit },
        async (request, reply) => {
          const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.from('');
          const receipt = await receiveZoomWebhook(
            { db, box: feature.deps.box, secretToken: access.app.webhookSecretToken },
            {
              rawBody,
              signature: headerOf(request.headers['x-zm-signature']),
              timestamp: headerOf(request.headers['x-zm-request-timestamp']),
            },
          );
          switch (receipt.outcome) {
            case 'rejected':
              feature.deps.metrics?.webhookRejected.inc({ reason: receipt.reason });
              request.log.warn({ reason: receipt.reason }, 'webhook rejected');
              return reply
                .status(receipt.status)
                .send({ error: { code: 'webhook_rejected', message: receipt.reason } });
            case 'validated':
              return reply.status(200).send(receipt.body);
            case 'duplicate':
              feature.deps.metrics?.webhookAccepted.inc();
              return reply.status(200).send({ status: 'duplicate' });
            case 'stored':
              feature.deps.metrics?.webhookAccepted.inc();
              for (const eventId of receipt.eventIds) await feature.enqueueWebhook(eventId);
              return reply.status(200).send({ status: 'accepted' });
          }
        },
      );
    });
  };

  async function requireConnection(organizationId: string): Promise<ConnectionRow> {
    const connection = await findConnectionByOrganization(db, organizationId);
    if (!connection)
      throw new AppError(
        'zoom_not_connected',
        'Zoom is not connected: connect it in Settings > Integrations.',
        { reason: 'zoom_not_connected' },
      );
    return connection;
  }

  async function toZoomConnection(row: ConnectionRow): Promise<ZoomConnection> {
    const connectedBy = row.connectedByUserId
      ? (await listUsers(db, row.organizationId)).find((user) => user.id === row.connectedByUserId)
      : undefined;
    const now = Date.now();
    return {
      id: row.id,
      status: row.status,
      appType: row.appType,
      zoomAccountId: row.zoomAccountId,
      zoomUserEmail: row.zoomUserEmail,
      zoomRoleName: row.zoomRoleName,
      connectedBy: connectedBy
        ? { id: connectedBy.id, name: connectedBy.name, email: connectedBy.email }
        : null,
      connectedAt: row.connectedAt.toISOString(),
      scopes: row.scopes,
      prerequisites: row.prerequisites as ZoomConnection['prerequisites'],
      health: {
        lastApiSuccessAt: row.lastApiSuccessAt?.toISOString() ?? null,
        lastWebhookAt: row.lastWebhookAt?.toISOString() ?? null,
        tokenExpiresAt: row.tokenExpiresAt?.toISOString() ?? null,
        tokenRefreshedAt: row.tokenRefreshedAt?.toISOString() ?? null,
        tokenState: !row.accessTokenSealed
          ? 'none'
          : (row.tokenExpiresAt?.getTime() ?? 0) > now
            ? 'valid'
            : 'expired',
        lastError: decodeMessage(row.lastError),
      },
      uninstallDataPolicy: row.uninstallDataPolicy,
      uninstallDeleteAfterDays: row.uninstallDeleteAfterDays,
      endedAt: row.endedAt?.toISOString() ?? null,
      dataDeletionAt:
        row.status === 'uninstalled' && row.uninstallDataPolicy === 'delete' && row.endedAt
          ? dataDeletionDate(row.endedAt, row.uninstallDeleteAfterDays).toISOString()
          : null,
    };
  }
}

function headerOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
