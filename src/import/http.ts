import { findConnectionByOrganization, requireActiveConnection } from '../connections/index.ts';
import { diagnoseRequestSchema, type ImportsOverview } from '../contract/index.ts';
import { AppError } from '../lib/errors.ts';
import { decodeMessage } from '../lib/messages.ts';
import type { App } from '../server/app.ts';
import { getPrincipal, limitPerMinute, parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import { diagnoseMeeting } from './diagnose-meeting.ts';
import type { ImportFeature } from './feature.ts';
import {
  countConnectionRecordings,
  countUnmatchedHosts,
  findSweep,
  listLatestRecordings,
  listRecordingEvents,
} from './queries.ts';

export function registerImportRoutes(feature: ImportFeature) {
  const { db, connections, config } = feature.deps;
  const requireConnection = (organizationId: string) => requireActiveConnection(db, organizationId);

  return (app: App) => {
    const admin = signedInRoutes(app, 'admin');
    admin.get('/api/integrations/zoom/imports', async (principal): Promise<ImportsOverview> => {
      const connection = await findConnectionByOrganization(db, principal.organizationId);
      if (!connection)
        throw new AppError('zoom_not_connected', 'Zoom is not connected.', {
          reason: 'zoom_not_connected',
        });
      const [sweep, rows, { counts, atRisk }] = await Promise.all([
        findSweep(db, connection.id),
        listLatestRecordings(db, connection.id, 100),
        countConnectionRecordings(db, connection.id),
      ]);
      const events = await listRecordingEvents(
        db,
        rows.map((row) => row.recording.id),
      );
      return {
        lastSweep: sweep
          ? {
              startedAt: sweep.lastStartedAt?.toISOString() ?? null,
              finishedAt: sweep.lastFinishedAt?.toISOString() ?? null,
              recordingsFound: sweep.recordingsFound,
              error: decodeMessage(sweep.lastError),
            }
          : null,
        lastWebhookAt: connection.lastWebhookAt?.toISOString() ?? null,
        sweepIntervalMinutes: config.SWEEP_INTERVAL_MINUTES,
        backfillDays: config.BACKFILL_DAYS,
        unmatchedHosts: await countUnmatchedHosts(db, connection.id),
        counts,
        atRisk,
        recordings: rows.map(({ recording, callId, isAtRisk }) => ({
          id: recording.id,
          meetingId: recording.meetingId,
          meetingUuid: recording.meetingUuid,
          topic: recording.topic,
          hostEmail: recording.hostEmail,
          startTime: recording.startTime.toISOString(),
          status: recording.status,
          reason: decodeMessage(recording.statusReason),
          autoDeleteDate: recording.autoDeleteDate?.toISOString() ?? null,
          isAtRisk,
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
    });

    admin.post('/api/integrations/zoom/imports/sweep', async (principal, _request, reply) => {
      const connection = await requireConnection(principal.organizationId);
      await feature.requestSweep(connection.id);
      return reply.status(202).send({ status: 'queued' });
    });

    app.post(
      '/api/import/diagnose',
      {
        config: {
          access: 'user',
          // Each unknown meeting costs a Zoom call: 20 a minute per person is plenty for a human.
          rateLimit: limitPerMinute(20, 'Too many meeting checks: wait a minute and try again.'),
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
