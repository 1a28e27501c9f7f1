/**
 * Zoom's wire shapes: what Zoom (and the bundled emulator) sends and accepts over HTTP.
 *
 * Both the Zoom client and the emulator import these schemas, so they must describe Zoom, not Callport.
 * Objects are "loose": Zoom adds fields without notice, and a client must not fail on them.
 * Field facts come from `docs/zoom-platform.md` (cited by section) and Zoom's OpenAPI specs (`docs/zoom/openapi`).
 */
import { z } from 'zod';

/** Zoom's usual error body; validation errors (code 300) add `errors[]` (docs/zoom-platform.md §6). */
export const zoomErrorBodySchema = z.looseObject({
  code: z.number().int(),
  message: z.string(),
  errors: z.array(z.looseObject({ field: z.string(), message: z.string() })).optional(),
});
export type ZoomErrorBody = z.infer<typeof zoomErrorBodySchema>;

/** The token endpoint's own error shape, e.g. `{"reason":"Invalid Token!","error":"invalid_grant"}` (docs/zoom-platform.md §1.3). */
export const oauthErrorBodySchema = z.looseObject({ reason: z.string(), error: z.string() });
export type OAuthErrorBody = z.infer<typeof oauthErrorBodySchema>;

/** `POST /oauth/token` success (docs/zoom-platform.md §1.2). `account_credentials` has no `refresh_token` and adds `api_url`. */
export const oauthTokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int(),
  scope: z.string(),
  api_url: z.string().optional(),
});
export type OAuthTokenResponse = z.infer<typeof oauthTokenResponseSchema>;

export const oauthRevokeResponseSchema = z.looseObject({ status: z.literal('success') });

/** 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None (docs/zoom-platform.md §2.2). */
export const zoomUserTypeSchema = z.union([z.literal(1), z.literal(2), z.literal(4), z.literal(99)]);
export const zoomUserStatusSchema = z.enum(['active', 'inactive', 'pending']);

/** `GET /users/{userId}` and `/users/me` (docs/zoom-platform.md §2.2). */
export const zoomUserSchema = z.looseObject({
  id: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  display_name: z.string().optional(),
  email: z.string(),
  type: z.number().int(),
  role_name: z.string().optional(),
  role_id: z.string().optional(),
  pmi: z.number().optional(),
  use_pmi: z.boolean().optional(),
  personal_meeting_url: z.string().optional(),
  timezone: z.string().optional(),
  verified: z.number().int().optional(),
  dept: z.string().optional(),
  created_at: z.string().optional(),
  user_created_at: z.string().optional(),
  last_login_time: z.string().optional(),
  last_client_version: z.string().optional(),
  pic_url: z.string().optional(),
  language: z.string().optional(),
  phone_number: z.string().optional(),
  status: zoomUserStatusSchema.optional(),
  job_title: z.string().optional(),
  location: z.string().optional(),
  login_types: z.array(z.number().int()).optional(),
  account_id: z.string().optional(),
  account_number: z.number().optional(),
  cluster: z.string().optional(),
  group_ids: z.array(z.string()).optional(),
  im_group_ids: z.array(z.string()).optional(),
  plan_united_type: z.string().optional(),
  zoom_one_type: z.number().optional(),
  employee_unique_id: z.string().optional(),
});
export type ZoomUser = z.infer<typeof zoomUserSchema>;

/** An item of `GET /users`: pending users have no `id` (docs/zoom-platform.md §2.2, §7). */
export const zoomUserListItemSchema = zoomUserSchema.extend({ id: z.string().optional() });
export type ZoomUserListItem = z.infer<typeof zoomUserListItemSchema>;

/** Cursor paging: an empty or missing `next_page_token` means the last page (docs/zoom-platform.md §2). */
const pagedFields = {
  page_count: z.number().int().optional(),
  page_number: z.number().int().optional(),
  page_size: z.number().int().optional(),
  total_records: z.number().int().optional(),
  next_page_token: z.string().optional(),
};

export const zoomUserListResponseSchema = z.looseObject({
  ...pagedFields,
  users: z.array(zoomUserListItemSchema),
});
export type ZoomUserListResponse = z.infer<typeof zoomUserListResponseSchema>;

export const zoomUserPermissionsResponseSchema = z.looseObject({ permissions: z.array(z.string()) });
export const zoomEmailExistsResponseSchema = z.looseObject({ existed_email: z.boolean() });

export const zoomGroupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  total_members: z.number().int(),
});
export type ZoomGroup = z.infer<typeof zoomGroupSchema>;

export const zoomGroupListResponseSchema = z.looseObject({
  groups: z.array(zoomGroupSchema),
  total_records: z.number().int().optional(),
  next_page_token: z.string().optional(),
});

export const zoomGroupMemberSchema = z.looseObject({
  id: z.string(),
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  type: z.number().int().optional(),
  primary_group: z.boolean().optional(),
});
export const zoomGroupMembersResponseSchema = z.looseObject({
  ...pagedFields,
  members: z.array(zoomGroupMemberSchema),
});

/** `POST /groups/{groupId}/members` body: at most 30 members a call; `id` wins over `email` (docs/zoom-platform.md §2.1). */
export const zoomAddGroupMembersBodySchema = z.object({
  members: z
    .array(z.object({ id: z.string().optional(), email: z.string().optional() }))
    .min(1)
    .max(30),
});
export const zoomAddGroupMembersResponseSchema = z.looseObject({ ids: z.string(), added_at: z.string() });

export const zoomRoleSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  type: z.string().optional(),
  total_members: z.number().int().optional(),
});
export const zoomRolesResponseSchema = z.looseObject({
  roles: z.array(zoomRoleSchema),
  total_records: z.number().int().optional(),
});

/**
 * A cloud-recording file (docs/zoom-platform.md §2.3). `CC` and `TIMELINE` files have no `id`, `status`, `file_size`,
 * `recording_type` or `play_url`; `status` may be `processing` although the spec only lists `completed`.
 */
export const zoomRecordingFileSchema = z.looseObject({
  id: z.string().optional(),
  meeting_id: z.string().optional(),
  recording_start: z.string().optional(),
  recording_end: z.string().optional(),
  file_type: z.string(),
  file_extension: z.string().optional(),
  file_size: z.number().optional(),
  file_name: z.string().optional(),
  play_url: z.string().optional(),
  download_url: z.string().optional(),
  file_path: z.string().optional(),
  status: z.string().optional(),
  recording_type: z.string().optional(),
  deleted_time: z.string().optional(),
});
export type ZoomRecordingFile = z.infer<typeof zoomRecordingFileSchema>;

export const zoomParticipantAudioFileSchema = z.looseObject({
  id: z.string(),
  recording_start: z.string().optional(),
  recording_end: z.string().optional(),
  file_type: z.string(),
  file_name: z.string().optional(),
  file_size: z.number().optional(),
  file_extension: z.string().optional(),
  play_url: z.string().optional(),
  download_url: z.string().optional(),
  status: z.string().optional(),
});

/** Zoom sends the meeting `type` as an integer although the 2024 spec declares a string enum (docs/zoom-platform.md §2.3). */
export const zoomMeetingTypeSchema = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** One meeting instance with its recordings, as listed and as returned for one meeting (docs/zoom-platform.md §2.3). */
export const zoomRecordingMeetingSchema = z.looseObject({
  uuid: z.string(),
  id: z.number(),
  account_id: z.string().optional(),
  host_id: z.string(),
  host_email: z.string().optional(),
  topic: z.string(),
  type: zoomMeetingTypeSchema,
  start_time: z.string(),
  timezone: z.string().optional(),
  duration: z.number(),
  total_size: z.number().optional(),
  recording_count: z.number().int().optional(),
  share_url: z.string().optional(),
  password: z.string().optional(),
  recording_play_passcode: z.string().optional(),
  auto_delete: z.boolean().optional(),
  auto_delete_date: z.string().optional(),
  download_access_token: z.string().optional(),
  recording_files: z.array(zoomRecordingFileSchema).optional(),
  participant_audio_files: z.array(zoomParticipantAudioFileSchema).optional(),
});
export type ZoomRecordingMeeting = z.infer<typeof zoomRecordingMeetingSchema>;

export const zoomUserRecordingsResponseSchema = z.looseObject({
  from: z.string().optional(),
  to: z.string().optional(),
  ...pagedFields,
  meetings: z.array(zoomRecordingMeetingSchema),
});
export type ZoomUserRecordingsResponse = z.infer<typeof zoomUserRecordingsResponseSchema>;

export const zoomPastMeetingInstancesResponseSchema = z.looseObject({
  meetings: z.array(z.looseObject({ uuid: z.string(), start_time: z.string() })),
});

/** Settings are deep objects of booleans, strings and numbers; PATCH bodies are partial (docs/zoom-platform.md §3). */
export type ZoomSettingsValue = boolean | string | number | null | ZoomSettingsValue[] | ZoomSettings;
export type ZoomSettings = { [key: string]: ZoomSettingsValue };
export const zoomSettingsSchema: z.ZodType<ZoomSettings> = z.record(z.string(), z.any());

/** The recording block of settings, with the fields the import and recording policy rely on (docs/zoom-platform.md §3). */
export const zoomRecordingSettingsSchema = z.looseObject({
  cloud_recording: z.boolean().optional(),
  record_speaker_view: z.boolean().optional(),
  record_gallery_view: z.boolean().optional(),
  display_participant_name: z.boolean().optional(),
  recording_thumbnails: z.boolean().optional(),
  auto_recording: z.enum(['local', 'cloud', 'none']).optional(),
  host_pause_stop_recording: z.boolean().optional(),
  auto_delete_cmr: z.boolean().optional(),
  auto_delete_cmr_days: z.number().int().optional(),
  recording_disclaimer: z.boolean().optional(),
  ask_participants_to_consent_disclaimer: z.boolean().optional(),
  ask_host_to_confirm_disclaimer: z.boolean().optional(),
  recording_audio_transcript: z.boolean().optional(),
});

/** Webhook envelope: `event_ts` is in milliseconds, the `x-zm-request-timestamp` header in seconds (docs/zoom-platform.md §4.1). */
export const zoomWebhookEnvelopeSchema = z.looseObject({
  event: z.string(),
  event_ts: z.number().int(),
  payload: z.looseObject({}),
  download_token: z.string().optional(),
});
export type ZoomWebhookEnvelope = z.infer<typeof zoomWebhookEnvelopeSchema>;

export const zoomUrlValidationEventSchema = z.looseObject({
  event: z.literal('endpoint.url_validation'),
  event_ts: z.number().int(),
  payload: z.looseObject({ plainToken: z.string() }),
});

/** The reply Zoom expects to `endpoint.url_validation` (docs/zoom-platform.md §4.1). */
export const zoomUrlValidationResponseSchema = z.looseObject({
  plainToken: z.string(),
  encryptedToken: z.string(),
});

export const zoomRecordingCompletedEventSchema = z.looseObject({
  event: z.enum(['recording.completed', 'recording.transcript_completed']),
  event_ts: z.number().int(),
  download_token: z.string().optional(),
  payload: z.looseObject({
    account_id: z.string(),
    object: zoomRecordingMeetingSchema,
  }),
});
export type ZoomRecordingCompletedEvent = z.infer<typeof zoomRecordingCompletedEventSchema>;

export const zoomRecordingLifecycleEventSchema = z.looseObject({
  event: z.enum(['recording.trashed', 'recording.deleted', 'recording.recovered']),
  event_ts: z.number().int(),
  download_token: z.string().optional(),
  payload: z.looseObject({
    account_id: z.string(),
    operator: z.string(),
    operator_id: z.string(),
    object: zoomRecordingMeetingSchema,
  }),
});

export const zoomUserEventSchema = z.looseObject({
  event: z.enum(['user.created', 'user.updated', 'user.deactivated', 'user.activated', 'user.deleted']),
  event_ts: z.number().int(),
  payload: z.looseObject({
    account_id: z.string(),
    operator: z.string().optional(),
    operator_id: z.string().optional(),
    object: z.looseObject({ id: z.string() }),
  }),
});

export const zoomSettingsUpdatedEventSchema = z.looseObject({
  event: z.enum(['account.settings_updated', 'account.lock_settings_updated']),
  event_ts: z.number().int(),
  payload: z.looseObject({
    account_id: z.string(),
    operator: z.string(),
    operator_id: z.string(),
    time_stamp: z.number().optional(),
    object: z.looseObject({ id: z.string(), settings: zoomSettingsSchema }),
    old_object: z.looseObject({ id: z.string(), settings: zoomSettingsSchema }).optional(),
  }),
});

/** `app_deauthorized` (docs/zoom-platform.md §4.2, current SDK type). */
export const zoomAppDeauthorizedEventSchema = z.looseObject({
  event: z.literal('app_deauthorized'),
  event_ts: z.number().int(),
  payload: z.looseObject({
    account_id: z.string(),
    user_id: z.string(),
    client_id: z.string(),
    signature: z.string().optional(),
    deauthorization_time: z.string(),
  }),
});

/** Rate-limit categories as named in `X-RateLimit-Category` (docs/zoom-platform.md §5). */
export const zoomRateLimitCategories = ['Light', 'Medium', 'Heavy', 'Resource-intensive'] as const;
export type ZoomRateLimitCategory = (typeof zoomRateLimitCategories)[number];
