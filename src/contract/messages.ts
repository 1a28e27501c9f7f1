import { z } from 'zod';

/**
 * How the server tells people something: never a sentence, always a code and its parameters.
 *
 * The web UI turns a message into text in the reader's language with `describeMessage(t, message)`
 * (src/web/src/messages.ts): the text is the entry `server.<code>` of src/web/src/locales/{fr,en}.json,
 * with the params interpolated (`{{files}}`). A new code: send `{ code, params }` from the server, add
 * `server.<code>` to both locale files (src/contract/messages.test.ts checks that every code in
 * `messageCodes` has both). Stored messages (a recording's reason, its timeline) are text columns
 * written with `encodeMessage` and read with `decodeMessage` (src/lib/messages.ts). For API errors,
 * `AppError(code, message, { reason, params })` sends `error.reason` + `error.params`, translated the
 * same way by `describeError` (`server.<reason>`); `message` stays the English text for logs and curl.
 */
export const messageSchema = z.object({
  code: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** Every code the server sends; each has a `server.<code>` entry in both locale files. */
export const messageCodes = [
  // A recording's reason and timeline (Réglages > Intégrations > Zoom > Imports).
  'discovered_via_webhook',
  'discovered_via_sweep',
  'discovered_via_manual',
  'recovered_from_trash',
  'host_not_linked',
  'host_not_licensed',
  'host_now_importable',
  'zoom_processing_files',
  'no_media_yet',
  'gone_at_zoom',
  'trashed_in_zoom',
  'deleted_in_zoom',
  'trashed_in_zoom_by',
  'deleted_in_zoom_by',
  'retrying',
  'import_failed',
  'erased_on_request',
  'erased_by_retention',
  'erased_after_uninstall',
  'erased',
  'legacy_text',
  // "Tester votre premier appel": the diagnosis.
  'diagnosis_bad_reference',
  'diagnosis_not_recorded_in_cloud',
  'diagnosis_host_not_linked',
  'diagnosis_host_unknown',
  'diagnosis_host_not_licensed',
  'diagnosis_queued_now',
  'diagnosis_imported',
  'diagnosis_skipped_not_licensed',
  'diagnosis_skipped_not_linked',
  'diagnosis_retrying',
  'diagnosis_processing',
  'diagnosis_trashed',
  'diagnosis_deleted',
  'diagnosis_erased',
  'diagnosis_failed',
  'diagnosis_importing',
  'diagnosis_not_yours',
  // API errors (`error.reason`).
  'email_taken',
  'last_admin',
  'user_not_found',
  'user_not_in_organization',
  'linked_twice',
  'zoom_user_linked_twice',
  'host_not_in_inbox',
  'call_not_found',
  'media_not_found',
  'zoom_not_connected',
  'account_gone',
  'organization_gone',
  'cannot_erase_self',
  'manual_item_not_found',
  'uninstall_deletion_scheduled',
  // Why Zoom refused an item of the recording policy at Apply (Zoom's own answer shown as a detail).
  'policy_refused_permission',
  'policy_refused_value',
  'policy_refused_not_found',
  'policy_refused',
  'recording_group_missing',
  // The call library (search, notes, sharing, teams).
  'invalid_cursor',
  'highlight_after_end',
  'highlight_not_found',
  'public_links_disabled',
  'share_not_found',
  'share_unavailable',
  'team_exists',
  'team_not_found',
  // The recording policy's manual steps (Zoom web portal).
  'step_sign_out_after_time_1',
  'step_sign_out_after_time_2',
  'step_sign_out_after_time_3',
  'step_auto_delete_cmr_days_1',
  'step_auto_delete_cmr_days_2',
  'step_custom_disclaimer_1',
  'step_custom_disclaimer_2',
  'step_custom_disclaimer_3',
  // A file Zoom sent that Callport cannot read (left out, the rest imported).
  'zoom_file_unreadable',
  // The last sweep (Imports): it stopped, or skipped meetings Zoom listed that Callport cannot read.
  'sweep_failed',
  'sweep_meetings_unreadable',
  // The connection's health: Zoom refused to renew access.
  'zoom_refresh_refused',
] as const;
export type MessageCode = (typeof messageCodes)[number];
