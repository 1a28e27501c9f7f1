import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoomMeetingSummarySchema } from '../zoom/wire.ts';
import type { ZoomEmulator } from './index.ts';
import { api, startTestEmulator, testApp } from './test-helpers.ts';

let emulator: ZoomEmulator;
let token: string;
const encoded = (uuid: string) => encodeURIComponent(encodeURIComponent(uuid));

/**
 * The fields of `GET /meetings/{meetingId}/meeting_summary` in Zoom's API reference (docs/zoom-platform.md
 * §2.6; the endpoint came after the spec copies in docs/zoom/openapi/, so it is checked here by name and
 * type): nothing else, and each of the type Zoom documents.
 */
const summaryFields: Record<string, 'string' | 'integer' | 'date-time' | 'details' | 'strings'> = {
  meeting_host_id: 'string',
  meeting_host_email: 'string',
  meeting_uuid: 'string',
  meeting_id: 'integer',
  meeting_topic: 'string',
  meeting_start_time: 'date-time',
  meeting_end_time: 'date-time',
  summary_start_time: 'date-time',
  summary_end_time: 'date-time',
  summary_created_time: 'date-time',
  summary_last_modified_time: 'date-time',
  summary_title: 'string',
  summary_overview: 'string',
  summary_details: 'details',
  next_steps: 'strings',
};
const isoSeconds = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function summaryShapeErrors(body: Record<string, unknown>): string[] {
  const errors: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const kind = summaryFields[key];
    const ok =
      kind === 'string'
        ? typeof value === 'string'
        : kind === 'integer'
          ? Number.isInteger(value)
          : kind === 'date-time'
            ? typeof value === 'string' && isoSeconds.test(value)
            : kind === 'strings'
              ? Array.isArray(value) && value.every((item) => typeof item === 'string')
              : kind === 'details'
                ? Array.isArray(value) &&
                  value.every(
                    (item) =>
                      typeof item === 'object' &&
                      item !== null &&
                      Object.keys(item).every((field) => field === 'label' || field === 'summary') &&
                      Object.values(item).every((field) => typeof field === 'string'),
                  )
                : false;
    if (!ok) errors.push(`${key}: ${JSON.stringify(value)}`);
  }
  return errors;
}

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario: 'sandbox' });
  token = emulator.control.installApp(testApp.clientId).access_token;
});
afterAll(() => emulator?.close());

describe('meeting summaries (AI Companion)', () => {
  const withSummary = () =>
    emulator.control.simulateMeeting({
      hostEmail: 'emma.dubois@acme.example',
      topic: 'Summary call',
      durationMinutes: 10,
      cloudRecordingManual: true,
      summary: {
        title: 'Meeting summary for Summary call',
        overview: 'Emma and Paul agreed on a pilot.',
        details: [{ label: 'Pilot', summary: 'Two weeks in Lyon.' }],
        nextSteps: ['Emma sends the proposal.'],
      },
    });

  it('serves the summary with Zoom’s fields once AI Companion has written it, 404 before and without one', async () => {
    const { uuid, meetingId } = withSummary();
    const early = await api(emulator, token, `/meetings/${encoded(uuid)}/meeting_summary`);
    expect(early.status).toBe(404);
    await emulator.control.advanceClock(6 * 60);
    const response = await api(emulator, token, `/meetings/${encoded(uuid)}/meeting_summary`);
    expect(response.status).toBe(200);
    expect(summaryShapeErrors(response.body)).toEqual([]);
    expect(response.body).toMatchObject({
      meeting_uuid: uuid,
      meeting_id: meetingId,
      meeting_host_email: 'emma.dubois@acme.example',
      summary_overview: 'Emma and Paul agreed on a pilot.',
      summary_details: [{ label: 'Pilot', summary: 'Two weeks in Lyon.' }],
      next_steps: ['Emma sends the proposal.'],
    });
    expect(zoomMeetingSummarySchema.safeParse(response.body).success).toBe(true);

    const none = emulator.control.simulateMeeting({
      hostEmail: 'hugo.thomas@acme.example',
      topic: 'No summary',
      durationMinutes: 10,
      cloudRecordingManual: true,
    });
    await emulator.control.advanceClock(6 * 60);
    expect((await api(emulator, token, `/meetings/${encoded(none.uuid)}/meeting_summary`)).status).toBe(404);
  });

  it('needs a meeting-summary scope (4700 without one)', async () => {
    const { uuid } = withSummary();
    await emulator.control.advanceClock(6 * 60);
    emulator.control.registerApp({
      ...testApp,
      clientId: 'no-summary',
      scopes: testApp.scopes.filter((scope) => !scope.startsWith('meeting_summary')),
    });
    const narrow = emulator.control.installApp('no-summary').access_token;
    const response = await api(emulator, narrow, `/meetings/${encoded(uuid)}/meeting_summary`);
    expect(response.body.code).toBe(4700);
  });
});
