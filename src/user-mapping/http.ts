import { listUsers } from '../accounts/index.ts';
import { findConnectionByOrganization, requireActiveConnection } from '../connections/index.ts';
import { saveLinksRequestSchema, type UserImportState, type UserMapping } from '../contract/index.ts';
import { AppError } from '../lib/errors.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import type { UserMappingFeature } from './feature.ts';
import { proposeAutomaticLinks, saveLinks } from './link-users.ts';
import { ignoreSeenHost, listImportCursors, listLinks, listSeenHosts, listZoomUsers } from './queries.ts';
import { syncZoomUsers } from './sync-zoom-users.ts';

export function registerUserMappingRoutes(feature: UserMappingFeature) {
  const { db, connections } = feature.deps;
  const requireConnection = (organizationId: string) => requireActiveConnection(db, organizationId);

  return (app: App) => {
    const admin = signedInRoutes(app, 'admin');
    admin.get('/api/integrations/zoom/users', async (principal): Promise<UserMapping> => {
      const connection = await requireConnection(principal.organizationId);
      const [people, zoomUsers, links, seen, cursors] = await Promise.all([
        listUsers(db, principal.organizationId),
        listZoomUsers(db, connection.id),
        listLinks(db, connection.id),
        listSeenHosts(db, connection.id),
        listImportCursors(db, connection.id),
      ]);
      const cursorByZoomUser = new Map(cursors.map((cursor) => [cursor.zoomUserId, cursor]));
      const linkByUser = new Map(links.map((link) => [link.userId, link]));
      const linkedZoomIds = new Set(links.map((link) => link.zoomUserId));
      return {
        users: people.map((person) => {
          const link = linkByUser.get(person.id);
          const cursor = link ? cursorByZoomUser.get(link.zoomUserId) : undefined;
          return {
            id: person.id,
            name: person.name,
            email: person.email,
            isLicensed: person.isLicensed,
            isActive: person.isActive,
            link: link
              ? { zoomUserId: link.zoomUserId, zoomEmail: link.zoomEmail, method: link.method }
              : null,
            import: cursor
              ? {
                  sweptAt: cursor.sweptAt?.toISOString() ?? null,
                  backfillFrom: cursor.backfillFrom,
                  lastAttemptAt: cursor.lastAttemptAt?.toISOString() ?? null,
                  errorCode: (cursor.lastErrorCode as UserImportState['errorCode']) ?? null,
                  failures: cursor.failures,
                  recordingsFound: cursor.recordingsFound,
                }
              : null,
          };
        }),
        zoomUsers: zoomUsers.map((user) => ({
          zoomUserId: user.zoomUserId,
          email: user.email,
          displayName: user.displayName,
          status: user.status,
          isLinkable: Boolean(user.zoomUserId) && user.status !== 'pending',
        })),
        seenHosts: seen
          .filter((host) => !host.isIgnored && !linkedZoomIds.has(host.zoomUserId))
          .map((host) => ({
            zoomUserId: host.zoomUserId,
            email: host.email,
            recordingsSeen: host.recordingsSeen,
          })),
        lastSyncedAt: zoomUsers.reduce<string | null>((latest, user) => {
          const at = user.syncedAt.toISOString();
          return !latest || at > latest ? at : latest;
        }, null),
      };
    });

    admin.post('/api/integrations/zoom/users/auto-associate', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
      return { proposals: await proposeAutomaticLinks(db, principal.organizationId, connection.id) };
    });

    admin.put('/api/integrations/zoom/users/links', async (principal, request, reply) => {
      const input = parseInput(saveLinksRequestSchema, request.body);
      const connection = await requireConnection(principal.organizationId);
      const changes = await saveLinks(
        db,
        {
          organizationId: principal.organizationId,
          connectionId: connection.id,
          actorUserId: principal.userId,
        },
        input,
      );
      await feature.linksChanged(changes);
      return reply.status(204).send();
    });

    admin.post('/api/integrations/zoom/users/sync', async (principal) => {
      const connection = await requireConnection(principal.organizationId);
      return syncZoomUsers(db, connection.id, connections.access.clientFor(connection));
    });

    admin.post(
      '/api/integrations/zoom/users/seen-hosts/:zoomUserId/ignore',
      async (principal, request, reply) => {
        const connection = await findConnectionByOrganization(db, principal.organizationId);
        const { zoomUserId } = request.params as { zoomUserId: string };
        if (!connection || !(await ignoreSeenHost(db, connection.id, zoomUserId))) {
          throw new AppError('not_found', 'No such host in the unmatched inbox.', {
            reason: 'host_not_in_inbox',
          });
        }
        return reply.status(204).send();
      },
    );
  };
}
