import { and, desc, eq, sql } from 'drizzle-orm';
import { findConnectionByOrganization, requireActiveConnection } from '../connections/index.ts';
import { diagnoseRequestSchema, type ImportsOverview } from '../contract/index.ts';
import { schema } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import { decodeMessage } from '../lib/messages.ts';
import type { App } from '../server/app.ts';
import { getPrincipal, parseInput } from '../server/request.ts';
import { diagnoseMeeting } from './diagnose-meeting.ts';
import type { ImportFeature } from './feature.ts';
import { countUnmatchedHosts, findSweep, listRecordingEvents } from './queries.ts';

export function registerImportRoutes(feature: ImportFeature) {
  const { db, connections, config } = feature.deps;
  const { recordings, calls } = schema;
  const requireConnection = (organizationId: string) => requireActiveConnection(db, organizationId);

  return (app: App) => {
    app.get(
      '/api/integrations/zoom/imports',
      { config: { access: 'admin' } },
      async (request): Promise<ImportsOverview> => {
        const principal = getPrincipal(request);
        const connection = await findConnectionByOrganization(db, principal.organizationId);
        if (!connection)
          throw new AppError('zoom_not_connected', 'Zoom is not connected.', {
            reason: 'zoom_not_connected',
          });
        const [sweep, rows, counts] = await Promise.all([
          findSweep(db, connection.id),
          db
            .select({ recording: recordings, callId: calls.id })
            .from(recordings)
            .leftJoin(calls, eq(calls.recordingId, recordings.id))
            .where(eq(recordings.connectionId, connection.id))
            .orderBy(desc(recordings.startTime))
            .limit(100),
          db
            .select({ status: recordings.status, count: sql<number>`count(*)::int` })
            .from(recordings)
            .where(eq(recordings.connectionId, connection.id))
            .groupBy(recordings.status),
        ]);
        const events = await listRecordingEvents(
          db,
          rows.map((row) => row.recording.id),
        );
        const soon = Date.now() + 24 * 3600_000;
        const isAtRisk = (row: typeof recordings.$inferSelect) =>
          row.status !== 'imported' &&
          row.status !== 'deleted' &&
          row.autoDeleteDate !== null &&
          row.autoDeleteDate.getTime() < soon;
        const [atRisk] = await db
          .select({ count: sql<number>`count(*)::int` })
          .from(recordings)
          .where(
            and(
              eq(recordings.connectionId, connection.id),
              sql`${recordings.status} NOT IN ('imported', 'deleted') AND ${recordings.autoDeleteDate} < now() + interval '24 hours'`,
            ),
          );
        return {
          lastSweep: sweep
            ? {
                startedAt: sweep.lastStartedAt?.toISOString() ?? null,
                finishedAt: sweep.lastFinishedAt?.toISOString() ?? null,
                recordingsFound: sweep.recordingsFound,
                error: sweep.lastError,
              }
            : null,
          lastWebhookAt: connection.lastWebhookAt?.toISOString() ?? null,
          sweepIntervalMinutes: config.SWEEP_INTERVAL_MINUTES,
          backfillDays: config.BACKFILL_DAYS,
          unmatchedHosts: await countUnmatchedHosts(db, connection.id),
          counts: Object.fromEntries(counts.map((row) => [row.status, row.count])),
          atRisk: atRisk?.count ?? 0,
          recordings: rows.map(({ recording, callId }) => ({
            id: recording.id,
            meetingId: recording.meetingId,
            meetingUuid: recording.meetingUuid,
            topic: recording.topic,
            hostEmail: recording.hostEmail,
            startTime: recording.startTime.toISOString(),
            status: recording.status,
            reason: decodeMessage(recording.statusReason),
            autoDeleteDate: recording.autoDeleteDate?.toISOString() ?? null,
            isAtRisk: isAtRisk(recording) && recording.autoDeleteDate!.getTime() < soon,
            callId: callId ?? null,
            events: events
              .filter((event) => event.recordingId === recording.id)
              .map((event) => ({
                status: event.status,
                detail: decodeMessage(event.detail),
                at: event.at.toISOString(),
              })),
          })),
        };
      },
    );

    app.post(
      '/api/integrations/zoom/imports/sweep',
      { config: { access: 'admin' } },
      async (request, reply) => {
        const principal = getPrincipal(request);
        const connection = await requireConnection(principal.organizationId);
        await feature.requestSweep(connection.id);
        return reply.status(202).send({ status: 'queued' });
      },
    );

    app.post(
      '/api/import/diagnose',
      {
        config: {
          access: 'user',
          // Each unknown meeting costs a Zoom call: 20 a minute per person is plenty for a human.
          rateLimit: {
            max: 20,
            timeWindow: '1 minute',
            keyGenerator: (request) => request.principal?.userId ?? request.ip,
            errorResponseBuilder: () => ({
              statusCode: 429,
              message: 'Too many meeting checks: wait a minute and try again.',
            }),
          },
        },
      },
      async (request) => {
        const principal = getPrincipal(request);
        const { meeting } = parseInput(diagnoseRequestSchema, request.body);
        const connection = await requireConnection(principal.organizationId);
        return diagnoseMeeting(
          { db, client: connections.access.clientFor(connection), importer: feature },
          connection,
          meeting,
          principal,
        );
      },
    );
  };
}
