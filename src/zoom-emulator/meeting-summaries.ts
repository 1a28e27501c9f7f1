/**
 * AI Companion's summary of a meeting (`GET /meetings/{meetingId}/meeting_summary`), for meetings whose
 * host had summaries on. Shape: docs/zoom-platform.md §2.6 (no smart chapters: Zoom's API has none).
 */
import type { FastifyInstance } from 'fastify';
import { findMeetingForParam, hostAllowed, rawMeetingParam } from './recordings.ts';
import { sendZoomError } from './request-info.ts';
import { light, withAdmin, zoomRoute } from './server.ts';
import { type EmulatorContext, isoSeconds } from './state.ts';

export function registerMeetingSummaryRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const scopes = withAdmin('meeting_summary:read', 'meeting:read:summary');
  zoomRoute(
    app,
    ctx,
    'GET /meetings/:meetingId/meeting_summary',
    light(...scopes),
    async (request, reply) => {
      const { raw, doubleEncoded } = rawMeetingParam(request);
      const meeting = findMeetingForParam(ctx, raw, doubleEncoded);
      if (!meeting) return sendZoomError(reply, 404, 3001, 'Meeting does not exist.');
      if (!hostAllowed(ctx, request, reply, meeting)) return reply;
      const summary = meeting.summary;
      // No summary (AI Companion off for the host, or not written yet): Zoom answers 404.
      if (!summary || summary.createdAt > ctx.clock.now())
        return sendZoomError(reply, 404, 3001, 'Meeting summary does not exist.');
      const host = ctx.state.users.get(meeting.hostId);
      const end = meeting.startTime + meeting.durationMinutes * 60_000;
      return {
        meeting_host_id: meeting.hostId,
        meeting_host_email: host?.email ?? '',
        meeting_uuid: meeting.uuid,
        meeting_id: meeting.meetingId,
        meeting_topic: meeting.topic,
        meeting_start_time: isoSeconds(meeting.startTime),
        meeting_end_time: isoSeconds(end),
        summary_start_time: isoSeconds(meeting.startTime),
        summary_end_time: isoSeconds(end),
        summary_created_time: isoSeconds(summary.createdAt),
        summary_last_modified_time: isoSeconds(summary.createdAt),
        summary_title: summary.title,
        summary_overview: summary.overview,
        summary_details: summary.details.map((detail) => ({ label: detail.label, summary: detail.summary })),
        next_steps: [...summary.nextSteps],
        // Present only when the host edited the summary in Zoom; `summary_details` is then one text.
        ...(summary.edited
          ? {
              edited_summary: {
                ...(summary.edited.overview !== undefined
                  ? { summary_overview: summary.edited.overview }
                  : {}),
                ...(summary.edited.details !== undefined ? { summary_details: summary.edited.details } : {}),
                ...(summary.edited.nextSteps ? { next_steps: [...summary.edited.nextSteps] } : {}),
              },
            }
          : {}),
        ...(summary.content !== undefined ? { summary_content: summary.content } : {}),
        ...(summary.docUrl !== undefined ? { summary_doc_url: summary.docUrl } : {}),
      };
    },
  );
}
