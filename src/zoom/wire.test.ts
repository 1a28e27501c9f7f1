import { describe, expect, it } from 'vitest';
import {
  oauthTokenResponseSchema,
  zoomAddGroupMembersBodySchema,
  zoomRecordingMeetingSchema,
  zoomUserListResponseSchema,
  zoomWebhookEnvelopeSchema,
} from './wire.ts';

describe('Zoom wire schemas', () => {
  it('accept the meeting type as Zoom sends it (integer) and as the 2024 spec declares it (string)', () => {
    const base = {
      uuid: 'a/b+c==',
      id: 1,
      host_id: 'h',
      topic: 't',
      start_time: '2026-01-01T00:00:00Z',
      duration: 1,
    };
    expect(zoomRecordingMeetingSchema.parse({ ...base, type: 2 }).type).toBe(2);
    expect(zoomRecordingMeetingSchema.parse({ ...base, type: '8' }).type).toBe(8);
    expect(zoomRecordingMeetingSchema.safeParse({ ...base, type: 'recurring' }).success).toBe(false);
  });

  it('accept pending users without id and unknown extra fields', () => {
    const parsed = zoomUserListResponseSchema.parse({
      next_page_token: '',
      users: [{ email: 'p@example.test', type: 2, status: 'pending', brand_new_field: true }],
    });
    expect(parsed.users[0]?.id).toBeUndefined();
    expect((parsed.users[0] as Record<string, unknown>).brand_new_field).toBe(true);
  });

  it('limit group member additions to 30 per call', () => {
    const members = (n: number) => ({
      members: Array.from({ length: n }, (_, i) => ({ email: `u${i}@x.test` })),
    });
    expect(zoomAddGroupMembersBodySchema.safeParse(members(30)).success).toBe(true);
    expect(zoomAddGroupMembersBodySchema.safeParse(members(31)).success).toBe(false);
  });

  it('describe token responses with and without refresh token', () => {
    expect(
      oauthTokenResponseSchema.safeParse({
        access_token: 'a',
        token_type: 'bearer',
        expires_in: 3599,
        scope: 'x y',
      }).success,
    ).toBe(true);
    expect(
      oauthTokenResponseSchema.safeParse({
        access_token: '',
        token_type: 'bearer',
        expires_in: 3599,
        scope: '',
      }).success,
    ).toBe(false);
  });

  it('require event_ts in the webhook envelope', () => {
    expect(zoomWebhookEnvelopeSchema.safeParse({ event: 'x', payload: {} }).success).toBe(false);
    expect(
      zoomWebhookEnvelopeSchema.safeParse({ event: 'x', event_ts: 1700000000000, payload: {} }).success,
    ).toBe(true);
  });
});
