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

/** The fields `keys`, all read by `schema`. */
function fields<T extends z.ZodType, const K extends string>(schema: T, ...keys: K[]): Record<K, T> {
  return Object.fromEntries(keys.map((key) => [key, schema])) as Record<K, T>;
}

export const zoomUserStatusSchema = z.enum(['active', 'inactive', 'pending']);

/** `GET /users/{userId}` and `/users/me` (docs/zoom-platform.md §2.2). */
export const zoomUserSchema = z.looseObject({
  id: z.string(),
  email: z.string(),
  type: z.number().int(),
  pmi: z.number().optional(),
  use_pmi: z.boolean().optional(),
  verified: z.number().int().optional(),
  status: zoomUserStatusSchema.optional(),
  login_types: z.array(z.number().int()).optional(),
  account_number: z.number().optional(),
  group_ids: z.array(z.string()).optional(),
  im_group_ids: z.array(z.string()).optional(),
  zoom_one_type: z.number().optional(),
  ...fields(
    z.string().optional(),
    'first_name',
    'last_name',
    'display_name',
    'role_name',
    'role_id',
    'personal_meeting_url',
    'timezone',
    'dept',
    'created_at',
    'user_created_at',
    'last_login_time',
    'last_client_version',
    'pic_url',
    'language',
    'phone_number',
    'job_title',
    'location',
    'account_id',
    'cluster',
    'plan_united_type',
    'employee_unique_id',
  ),
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

/** A page of a listing paged by `next_page_token` alone, its items under `key`; either may be missing. */
function tokenPaged<K extends string, T extends z.ZodType>(key: K, item: T) {
  const items = { [key]: z.array(item).optional() } as { [P in K]: z.ZodOptional<z.ZodArray<T>> };
  return z.looseObject({ next_page_token: z.string().optional(), ...items });
}

export const zoomUserListResponseSchema = z.looseObject({
  ...pagedFields,
  users: z.array(zoomUserListItemSchema),
});

export const zoomUserPermissionsResponseSchema = z.looseObject({ permissions: z.array(z.string()) });

export const zoomGroupSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  total_members: z.number().int(),
});

export const zoomGroupListResponseSchema = z.looseObject({
  groups: z.array(zoomGroupSchema),
  total_records: z.number().int().optional(),
  next_page_token: z.string().optional(),
});

/** A member of `GET /groups/{groupId}/members`: a few of the user's fields, `type` optional. */
export const zoomGroupMemberSchema = zoomUserSchema
  .pick({ id: true, email: true, first_name: true, last_name: true })
  .extend({ type: z.number().int().optional(), primary_group: z.boolean().optional() });
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
 * Zoom sends `null` or `""` where a value is expected (docs/zoom-platform.md §2.3): such a field reads as absent.
 * Only for fields Callport can do without; what it needs stays strict.
 */
function lenient<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null || value === '' ? undefined : value), schema.optional());
}

/** A number that may arrive as a numeric string (a meeting id, a file size). */
const numberish = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number),
]);

/**
 * A cloud-recording file (docs/zoom-platform.md §2.3). `CC` files have no `id`, `status`, `file_size`,
 * `recording_type` or `play_url`; older TIMELINE files neither. `status` may be `processing` although the spec
 * only lists `completed`; a file still processing may have `file_type: ""` and `recording_end: ""`.
 */
export const zoomRecordingFileSchema = z.looseObject({
  ...fields(
    lenient(z.string()),
    'id',
    'meeting_id',
    'recording_start',
    'recording_end',
    'file_extension',
    'file_name',
    'play_url',
    'download_url',
    'file_path',
    'status',
    'recording_type',
    'deleted_time',
  ),
  file_type: z.preprocess((value) => value ?? '', z.string()),
  file_size: lenient(numberish),
});
export type ZoomRecordingFile = z.infer<typeof zoomRecordingFileSchema>;

/** A participant's own audio file: a recording file's fields, with `id` and `file_type` always there. */
export const zoomParticipantAudioFileSchema = zoomRecordingFileSchema
  .pick({
    recording_start: true,
    recording_end: true,
    file_name: true,
    file_size: true,
    file_extension: true,
    play_url: true,
    download_url: true,
    status: true,
  })
  .extend({ id: z.string(), file_type: z.string() });

/** Zoom sends the meeting `type` as an integer although the 2024 spec declares a string enum (docs/zoom-platform.md §2.3). */
export const zoomMeetingTypeSchema = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** Why a value could not be read, in one line: the first issues with their paths. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(value)'}: ${issue.message}`)
    .join('; ');
}

/** A list whose unreadable items are set aside with their reason instead of failing the whole list. */
function partitioned<T extends z.ZodType>(item: T, label: (raw: unknown, index: number) => string) {
  return z.array(z.unknown()).transform((items) => {
    const read: z.output<T>[] = [];
    const unreadable: string[] = [];
    items.forEach((raw, index) => {
      const parsed = item.safeParse(raw);
      if (parsed.success) read.push(parsed.data);
      else unreadable.push(`${label(raw, index)}: ${describeZodError(parsed.error)}`);
    });
    return { read, unreadable };
  });
}

function labelOf(kind: string, raw: unknown, index: number, key: string): string {
  const value = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' || typeof value === 'number'
    ? `${kind} ${value}`
    : `${kind} #${index + 1}`;
}

/**
 * One meeting instance with its recordings, as listed and as returned for one meeting (docs/zoom-platform.md §2.3).
 * Read leniently: nulls where Zoom documents a value, a string meeting id; a file that cannot be read is
 * left out of `recording_files` and named in `unreadable_files`, so the others still import.
 */
export const zoomRecordingMeetingSchema = z
  .looseObject({
    uuid: z.string().min(1),
    id: numberish,
    host_id: z.string().min(1),
    topic: z.preprocess((value) => value ?? '', z.string()),
    type: lenient(zoomMeetingTypeSchema),
    start_time: z.string(),
    duration: z.preprocess((value) => value ?? 0, numberish),
    total_size: lenient(numberish),
    recording_count: lenient(numberish),
    auto_delete: lenient(z.boolean()),
    ...fields(
      lenient(z.string()),
      'account_id',
      'host_email',
      'timezone',
      'share_url',
      'password',
      'recording_play_passcode',
      'auto_delete_date',
      'download_access_token',
    ),
    recording_files: z
      .preprocess(
        (value) => value ?? [],
        partitioned(zoomRecordingFileSchema, (raw, index) => labelOf('file', raw, index, 'id')),
      )
      .optional(),
    participant_audio_files: lenient(z.array(zoomParticipantAudioFileSchema)),
  })
  .transform(({ recording_files, ...meeting }) => ({
    ...meeting,
    recording_files: recording_files?.read ?? [],
    ...(recording_files && recording_files.unreadable.length > 0
      ? { unreadable_files: recording_files.unreadable }
      : {}),
  }));
export type ZoomRecordingMeeting = z.output<typeof zoomRecordingMeetingSchema>;

/**
 * A page of `GET /users/{userId}/recordings`. A meeting that cannot be read is named in
 * `unreadable_meetings` with its reason; the rest of the page goes on.
 */
export const zoomUserRecordingsResponseSchema = z
  .looseObject({
    from: z.string().optional(),
    to: z.string().optional(),
    ...pagedFields,
    meetings: partitioned(zoomRecordingMeetingSchema, (raw, index) => labelOf('meeting', raw, index, 'uuid')),
  })
  .transform(({ meetings, ...page }) => ({
    ...page,
    meetings: meetings.read,
    unreadable_meetings: meetings.unreadable,
  }));

export const zoomPastMeetingInstancesResponseSchema = z.looseObject({
  meetings: z.array(z.looseObject({ uuid: z.string(), start_time: z.string() })),
});

/** A meeting of `GET /report/users/{userId}/meetings` (docs/zoom-platform.md §2.5); only the fields coverage reads. */
export const zoomReportMeetingSchema = z.looseObject({
  uuid: z.string().min(1),
  id: z.union([z.number(), z.string()]).optional(),
  topic: z.string().nullish(),
  start_time: z.string(),
  end_time: z.string().nullish(),
  duration: z.number().nullish(),
  participants_count: z.number().nullish(),
  has_recording: z.boolean().nullish(),
});
export type ZoomReportMeeting = z.infer<typeof zoomReportMeetingSchema>;

export const zoomReportMeetingsResponseSchema = tokenPaged('meetings', zoomReportMeetingSchema);

/** A participant of `GET /past_meetings/{meetingId}/participants`: `user_email` is empty outside the host's account. */
export const zoomPastParticipantSchema = z.looseObject({
  name: z.string().nullish(),
  user_email: z.string().nullish(),
});
export type ZoomPastParticipant = z.infer<typeof zoomPastParticipantSchema>;

export const zoomPastParticipantsResponseSchema = tokenPaged('participants', zoomPastParticipantSchema);

/** `meeting.ended`, `recording.started`, `recording.stopped`: the meeting fields coverage reads (docs/zoom-platform.md §2.5). */
export const zoomMeetingEventObjectSchema = z.looseObject({
  id: z.union([z.number(), z.string()]).optional(),
  uuid: z.string().min(1),
  host_id: z.string().min(1),
  topic: z.string().nullish(),
  start_time: z.string(),
  end_time: z.string().nullish(),
  recording_file: z
    .looseObject({ recording_start: z.string().nullish(), recording_end: z.string().nullish() })
    .nullish(),
});
export type ZoomMeetingEventObject = z.infer<typeof zoomMeetingEventObjectSchema>;

/**
 * `GET /meetings/{meetingId}/meeting_summary`: AI Companion's summary of one meeting instance
 * (docs/zoom-platform.md §2.6). Every field is optional in Zoom's reference; missing ones read as empty.
 */
export const zoomMeetingSummarySchema = z.looseObject({
  summary_title: z.string().nullish(),
  summary_overview: z.string().nullish(),
  summary_details: z
    .array(z.looseObject({ label: z.string().nullish(), summary: z.string().nullish() }))
    .nullish(),
  next_steps: z.array(z.string()).nullish(),
  /** The host's edits in Zoom: `summary_details` is then one text, not sections. */
  edited_summary: z
    .looseObject({
      summary_overview: z.string().nullish(),
      summary_details: z.string().nullish(),
      next_steps: z.array(z.string()).nullish(),
    })
    .nullish(),
  /** The whole summary as one Markdown text (2025 on). */
  summary_content: z.string().nullish(),
  /** The summary's page in Zoom Docs (2025-08 on). */
  summary_doc_url: z.string().nullish(),
  summary_created_time: z.string().nullish(),
});
export type ZoomMeetingSummary = z.infer<typeof zoomMeetingSummarySchema>;

/** Settings are deep objects of booleans, strings and numbers; PATCH bodies are partial (docs/zoom-platform.md §3). */
export type ZoomSettingsValue = boolean | string | number | null | ZoomSettingsValue[] | ZoomSettings;
export type ZoomSettings = { [key: string]: ZoomSettingsValue };
export const zoomSettingsSchema: z.ZodType<ZoomSettings> = z.record(z.string(), z.any());

/**
 * An event time in milliseconds: a number, or a numeric string as in some documented examples. Absent in
 * other documented `app_deauthorized` examples (docs/zoom-platform.md §4.2): the signature, not `event_ts`,
 * proves an event, so it is optional.
 */
const eventTsSchema = lenient(z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]));

/** Webhook envelope: `event_ts` is in milliseconds, the `x-zm-request-timestamp` header in seconds (docs/zoom-platform.md §4.1). */
export const zoomWebhookEnvelopeSchema = z.looseObject({
  event: z.string(),
  event_ts: eventTsSchema,
  payload: z.looseObject({}),
  download_token: z.string().optional(),
});

/** An event named one of `events`, `event_ts` in milliseconds, its payload the account's id and `payload`. */
function webhookEventSchema<const E extends readonly [string, ...string[]], P extends z.ZodRawShape>(
  events: E,
  payload: P,
) {
  return z.looseObject({
    event: z.enum(events),
    event_ts: z.number().int(),
    payload: z.looseObject({ account_id: z.string(), ...payload }),
  });
}

/** Who did it: the email and id of the user behind the event. */
const operatorFields = { operator: z.string(), operator_id: z.string() };

/** A recording event: its meeting with the files concerned, and the `download_token` of those files. */
function recordingEventSchema<const E extends readonly [string, ...string[]], P extends z.ZodRawShape>(
  events: E,
  payload: P,
) {
  return webhookEventSchema(events, { ...payload, object: zoomRecordingMeetingSchema }).extend({
    download_token: z.string().optional(),
  });
}

export const zoomRecordingCompletedEventSchema = recordingEventSchema(
  ['recording.completed', 'recording.transcript_completed'],
  {},
);

export const zoomRecordingLifecycleEventSchema = recordingEventSchema(
  ['recording.trashed', 'recording.deleted', 'recording.recovered'],
  operatorFields,
);

export const zoomUserEventSchema = webhookEventSchema(
  ['user.created', 'user.updated', 'user.deactivated', 'user.activated', 'user.deleted'],
  {
    operator: z.string().optional(),
    operator_id: z.string().optional(),
    object: z.looseObject({ id: z.string() }),
  },
);

const settingsObjectSchema = z.looseObject({ id: z.string(), settings: zoomSettingsSchema });

export const zoomSettingsUpdatedEventSchema = webhookEventSchema(
  ['account.settings_updated', 'account.lock_settings_updated'],
  {
    ...operatorFields,
    time_stamp: z.number().optional(),
    object: settingsObjectSchema,
    old_object: settingsObjectSchema.optional(),
  },
);

/**
 * `app_deauthorized` in every documented shape (docs/zoom-platform.md §4.2): the SDK's (top-level numeric
 * `event_ts`), the legacy reference's (no `event_ts`, `user_data_retention` as a string), and one with
 * `event_ts` as a string inside `payload`.
 */
export const zoomAppDeauthorizedEventSchema = z.looseObject({
  event: z.literal('app_deauthorized'),
  event_ts: eventTsSchema,
  payload: z.looseObject({
    account_id: z.string().min(1),
    user_id: lenient(z.string()),
    client_id: lenient(z.string()),
    signature: lenient(z.string()),
    deauthorization_time: lenient(z.string()),
    event_ts: eventTsSchema,
    user_data_retention: lenient(
      z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]),
    ),
  }),
});

/** Rate-limit categories as named in `X-RateLimit-Category` (docs/zoom-platform.md §5). */
export const zoomRateLimitCategories = ['Light', 'Medium', 'Heavy', 'Resource-intensive'] as const;
export type ZoomRateLimitCategory = (typeof zoomRateLimitCategories)[number];
