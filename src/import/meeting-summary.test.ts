import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { requiredScopes } from '../connections/index.ts';
import type { CallDetail, CallList } from '../contract/index.ts';
import { recordSummarisedMeeting, startEmptyAccountBed, type ZoomTestBed } from '../test-support/zoom.ts';

let bed: ZoomTestBed;
const emma = 'emma.dubois@acme.example';

beforeAll(async () => {
  // Callport's Zoom app without the optional summary scope (calls.test.ts imports summaries with it).
  bed = await startEmptyAccountBed({
    zoomUsers: [{ email: emma, firstName: 'Emma', lastName: 'Dubois' }],
    addUsers: async (bed) => {
      await bed.admin.request('POST', '/api/users', { email: emma, name: 'Emma Dubois' });
    },
    scopes: requiredScopes,
  });
});
afterAll(() => bed?.stop());

describe('meeting summary', () => {
  it('is not asked of Zoom when the app was granted no summary scope', async () => {
    await recordSummarisedMeeting(bed, emma, 'Renewal: Initech', {
      title: 'Meeting summary for Renewal: Initech',
      overview: 'Emma and Sam discussed the renewal.',
      details: [],
      nextSteps: ['Sam confirms the budget.'],
    });
    let id = '';
    await vi.waitFor(
      async () => {
        const list: CallList = (await bed.admin.request('GET', '/api/calls')).json();
        id = list.calls.find((call) => call.topic === 'Renewal: Initech')?.id ?? '';
        expect(id).not.toBe('');
      },
      { timeout: 60_000, interval: 200 },
    );
    const detail: CallDetail = (await bed.admin.request('GET', `/api/calls/${id}`)).json();
    expect(detail.zoomSummary).toBeNull();
    const summaryReads = bed
      .callportRequests()
      .filter((entry) => entry.route === '/v2/meetings/:meetingId/meeting_summary');
    expect(summaryReads).toEqual([]);
  });
});
