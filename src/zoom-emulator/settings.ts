/**
 * Zoom settings: defaults, PATCH validation and deep merge, lock resolution across account ← group ← user,
 * and the `option` / `custom_query_fields` views of GET (docs/zoom-platform.md §2.1, §3).
 */
import type { ZoomSettings, ZoomSettingsValue } from '../zoom/wire.ts';

export type SettingsLevel = 'account' | 'group' | 'user';

/** Full account settings as a new Business account has them (a representative subset of Zoom's fields). */
export function defaultAccountSettings(): ZoomSettings {
  return {
    schedule_meeting: {
      host_video: false,
      participant_video: false,
      audio_type: 'both',
      join_before_host: false,
      jbh_time: 0,
      enforce_login: false,
      enforce_login_with_domains: false,
      enforce_login_domains: '',
      not_store_meeting_topic: false,
      force_pmi_jbh_password: false,
      require_password_for_scheduling_new_meetings: true,
      require_password_for_scheduled_meetings: true,
      require_password_for_instant_meetings: true,
      require_password_for_pmi_meetings: 'jbh_only',
      use_pmi_for_scheduled_meetings: false,
      use_pmi_for_instant_meetings: false,
      personal_meeting: true,
    },
    in_meeting: {
      e2e_encryption: false,
      chat: true,
      private_chat: true,
      auto_saving_chat: false,
      entry_exit_chime: 'host',
      feedback: false,
      post_meeting_feedback: false,
      co_host: true,
      polling: true,
      attendee_on_hold: false,
      annotation: true,
      remote_control: true,
      non_verbal_feedback: true,
      breakout_room: true,
      remote_support: false,
      closed_caption: true,
      auto_generated_captions: true,
      full_transcript: false,
      group_hd: false,
      screen_sharing: true,
      virtual_background: true,
      waiting_room: true,
      whiteboard: true,
      file_transfer: false,
      original_audio: true,
      show_meeting_control_toolbar: false,
    },
    email_notification: {
      cloud_recording_available_reminder: true,
      recording_available_reminder_schedulers: true,
      recording_available_reminder_alternative_hosts: false,
      jbh_reminder: true,
      cancel_meeting_reminder: true,
      alternative_host_reminder: true,
      schedule_for_reminder: true,
      low_host_count_reminder: false,
    },
    recording: {
      local_recording: true,
      cloud_recording: true,
      record_speaker_view: false,
      record_gallery_view: false,
      record_audio_file: true,
      save_chat_text: true,
      show_timestamp: true,
      // Zoom's default for a new account is UNCONFIRMED (docs/zoom-platform.md §3): off here (`audioTranscriptByDefault`).
      recording_audio_transcript: false,
      auto_recording: 'local',
      host_pause_stop_recording: false,
      cloud_recording_download: true,
      cloud_recording_download_host: true,
      account_user_access_recording: false,
      auto_delete_cmr: false,
      auto_delete_cmr_days: 30,
      record_files_separately: { active_speaker: false, gallery_view: false, shared_screen: false },
      display_participant_name: true,
      recording_thumbnails: true,
      optimize_recording_for_3rd_party_video_editor: false,
      recording_highlight: false,
      save_panelist_chat: false,
      save_poll_results: false,
      save_close_caption: false,
      recording_disclaimer: false,
      ask_participants_to_consent_disclaimer: false,
      ask_host_to_confirm_disclaimer: false,
      host_delete_cloud_recording: true,
      prevent_host_access_recording: false,
      allow_recovery_deleted_cloud_recordings: true,
      record_audio_file_each_participant: false,
      required_password_for_shared_cloud_recordings: false,
      ip_address_access_control: { enable: false, ip_addresses_or_ranges: '' },
    },
    telephony: { third_party_audio: false, audio_conference_info: '', show_international_numbers_link: true },
    tsp: { call_out: false, show_international_numbers_link: false },
    integration: {
      google_calendar: false,
      google_drive: false,
      dropbox: false,
      box: false,
      microsoft_one_drive: false,
    },
    feature: { meeting_capacity: 300 },
    other_options: {
      allow_auto_active_users: false,
      blur_snapshot: false,
      display_meetings_scheduled_for_others: false,
    },
    profile: { recording_storage_location: { allowed_values: ['US'], value: 'US' } },
    audio_conferencing: {
      toll_free_and_fee_based_toll_call: { enable: false, allow_webinar_attendees_dial: false },
    },
    security: {
      admin_change_name_pic: false,
      admin_change_user_info: false,
      hide_billing_info: false,
      import_photos_from_devices: true,
      sign_again_period_for_inactivity_on_client: 0,
      sign_again_period_for_inactivity_on_web: 0,
      sign_in_with_two_factor_auth: 'none',
      password_requirement: {
        minimum_password_length: 8,
        have_special_character: false,
        consecutive_characters_length: 0,
        weak_enhance_detection: false,
      },
    },
  };
}

/** Lock settings: booleans meaning "locked at this level" (docs/zoom-platform.md §3). All unlocked on a new account. */
export function defaultLockSettings(): ZoomSettings {
  return {
    schedule_meeting: {
      host_video: false,
      participant_video: false,
      audio_type: false,
      join_before_host: false,
      enforce_login: false,
      not_store_meeting_topic: false,
      require_password_for_scheduling_new_meetings: false,
      require_password_for_instant_meetings: false,
      require_password_for_pmi_meetings: false,
      use_pmi_for_scheduled_meetings: false,
      use_pmi_for_instant_meetings: false,
    },
    in_meeting: {
      e2e_encryption: false,
      chat: false,
      private_chat: false,
      auto_saving_chat: false,
      // No entry_exit_chime lock: the accounts spec types that lock as a string, not a boolean.
      feedback: false,
      co_host: false,
      polling: false,
      annotation: false,
      remote_control: false,
      breakout_room: false,
      closed_caption: false,
      screen_sharing: false,
      virtual_background: false,
      whiteboard: false,
    },
    email_notification: {
      cloud_recording_available_reminder: false,
      jbh_reminder: false,
      cancel_meeting_reminder: false,
      alternative_host_reminder: false,
      schedule_for_reminder: false,
    },
    recording: {
      local_recording: false,
      cloud_recording: false,
      auto_recording: false,
      cloud_recording_download: false,
      account_user_access_recording: false,
      host_delete_cloud_recording: false,
      auto_delete_cmr: false,
      ip_address_access_control: false,
      prevent_host_access_recording: false,
      recording_authentication: false,
      archive: false,
    },
    telephony: { third_party_audio: false },
    tsp: { call_out: false, show_international_numbers_link: false },
    other_options: { blur_snapshot: false },
  };
}

/**
 * Fields that exist only at some levels (docs/zoom-platform.md §3 table: the group spec has no auto-delete or disclaimer
 * fields; user settings have no account-administration fields; `security` is account-only).
 */
const accountOnlyPaths = new Set([
  'security',
  'profile',
  'audio_conferencing',
  'other_options',
  'recording.account_user_access_recording',
  'recording.allow_recovery_deleted_cloud_recordings',
  'recording.prevent_host_access_recording',
  'recording.cloud_recording_download_host',
  'recording.host_delete_cloud_recording',
  'recording.required_password_for_shared_cloud_recordings',
  'recording.cloud_recording_download',
]);
const notInGroupPaths = new Set([
  'recording.auto_delete_cmr',
  'recording.auto_delete_cmr_days',
  'recording.recording_disclaimer',
  'recording.ask_participants_to_consent_disclaimer',
  'recording.ask_host_to_confirm_disclaimer',
  'recording.host_pause_stop_recording',
]);
const groupAllowedAccountPaths = new Set([
  'recording.account_user_access_recording',
  'recording.prevent_host_access_recording',
  'recording.cloud_recording_download',
  'recording.cloud_recording_download_host',
  'recording.host_delete_cloud_recording',
]);

/** Whether a settings path exists at a level. */
export function pathExistsAtLevel(path: string, level: SettingsLevel): boolean {
  if (level === 'account') return true;
  const top = path.split('.')[0] ?? '';
  const isAccountOnly = accountOnlyPaths.has(path) || accountOnlyPaths.has(top);
  if (level === 'group')
    return !notInGroupPaths.has(path) && (!isAccountOnly || groupAllowedAccountPaths.has(path));
  return !isAccountOnly;
}

/** Allowed values for enumerated fields (Zoom's specs); anything else is a code-300 validation error. */
const enumValues: Record<string, readonly (string | number)[]> = {
  'recording.auto_recording': ['local', 'cloud', 'none'],
  // Zoom documents only 30, 60, 90 and 120 days (docs/zoom-platform.md §3, spec enum); Zoom's web portal offers other values.
  'recording.auto_delete_cmr_days': [30, 60, 90, 120],
  'security.sign_again_period_for_inactivity_on_web': [0, 5, 10, 15, 30, 60, 120],
  'security.sign_again_period_for_inactivity_on_client': [0, 5, 10, 15, 30, 45, 60, 90, 120],
  'security.sign_in_with_two_factor_auth': ['all', 'group', 'role', 'none'],
  'schedule_meeting.audio_type': ['both', 'telephony', 'voip', 'thirdParty'],
  'schedule_meeting.jbh_time': [0, 5, 10, 15],
  'schedule_meeting.require_password_for_pmi_meetings': ['jbh_only', 'all', 'none'],
  'in_meeting.entry_exit_chime': ['host', 'all', 'none'],
};

/**
 * Whose rules a change follows: Zoom's REST API (`api`) or an admin in Zoom's web portal (`portal`, the
 * emulator's control surface). The portal offers retention periods the API refuses — the guide asks for
 * 7 days, which only the web portal can set (design §1, docs/zoom-platform.md §3: the API enum is 30/60/90/120).
 */
export type SettingsRules = 'api' | 'portal';

const portalRules: Record<string, { check: (value: unknown) => boolean; message: string }> = {
  'recording.auto_delete_cmr_days': {
    check: (value) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3650,
    message: 'Days between 1 and 3650.',
  },
};

/** Lock keys that cover more than the field of the same name (docs/zoom-platform.md §3: one lock for the auto-delete pair). */
const lockAliases: Record<string, string> = {
  'recording.auto_delete_cmr_days': 'recording.auto_delete_cmr',
};

export type ValidationError = { field: string; message: string };

export function isSettingsObject(value: unknown): value is ZoomSettings {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates a partial PATCH body against the template of known fields: unknown fields, wrong types and
 * values outside Zoom's enums are reported like Zoom's code-300 `errors[]` (docs/zoom-platform.md §6).
 */
export function validateSettingsPatch(
  body: unknown,
  template: ZoomSettings,
  level: SettingsLevel,
  options: { locks?: boolean; rules?: SettingsRules } = {},
): ValidationError[] {
  if (!isSettingsObject(body)) return [{ field: '', message: 'Request Body should be a valid JSON object.' }];
  const errors: ValidationError[] = [];
  const walk = (value: ZoomSettings, model: ZoomSettings, prefix: string) => {
    for (const [key, item] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const expected = model[key];
      if (expected === undefined || !pathExistsAtLevel(path, level)) {
        errors.push({ field: path, message: 'Invalid field.' });
        continue;
      }
      if (isSettingsObject(expected)) {
        if (!isSettingsObject(item)) errors.push({ field: path, message: 'Invalid field.' });
        else walk(item, expected, path);
        continue;
      }
      if (options.locks) {
        if (typeof item !== 'boolean')
          errors.push({ field: path, message: 'Invalid field. Expected a boolean.' });
        continue;
      }
      if (Array.isArray(expected) ? !Array.isArray(item) : typeof item !== typeof expected) {
        errors.push({
          field: path,
          message: `Invalid field. Expected a ${Array.isArray(expected) ? 'list' : typeof expected}.`,
        });
        continue;
      }
      const portalRule = options.rules === 'portal' ? portalRules[path] : undefined;
      if (portalRule) {
        if (!portalRule.check(item))
          errors.push({ field: path, message: `Invalid field. ${portalRule.message}` });
        continue;
      }
      const allowed = enumValues[path];
      if (allowed && !allowed.includes(item as string | number)) {
        errors.push({ field: path, message: `Invalid field. Allowed values: ${allowed.join(', ')}.` });
      }
    }
  };
  walk(body, template, '');
  return errors;
}

/** Deep merge of a partial body into a target (objects merge, everything else replaces). */
export function deepMerge(target: ZoomSettings, patch: ZoomSettings): ZoomSettings {
  const out: ZoomSettings = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      isSettingsObject(value) && isSettingsObject(current) ? deepMerge(current, value) : clone(value);
  }
  return out;
}

export function clone<T extends ZoomSettingsValue>(value: T): T {
  return structuredClone(value);
}

/** Every leaf path of a settings tree with its value. */
export function leaves(tree: ZoomSettings, prefix = ''): [string, ZoomSettingsValue][] {
  const out: [string, ZoomSettingsValue][] = [];
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (isSettingsObject(value)) out.push(...leaves(value, path));
    else out.push([path, value]);
  }
  return out;
}

export function getPath(tree: ZoomSettings, path: string): ZoomSettingsValue | undefined {
  let node: ZoomSettingsValue | undefined = tree;
  for (const part of path.split('.')) {
    if (!isSettingsObject(node)) return undefined;
    node = node[part];
  }
  return node;
}

export function setPath(tree: ZoomSettings, path: string, value: ZoomSettingsValue): void {
  const parts = path.split('.');
  let node = tree;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (!isSettingsObject(next)) node[part] = {};
    node = node[part] as ZoomSettings;
  }
  node[parts[parts.length - 1] as string] = value;
}

/** Whether a setting is locked by a lock tree (docs/zoom-platform.md §3: "locked values can't be changed at lower levels"). */
export function isLocked(locks: ZoomSettings | undefined, settingPath: string): boolean {
  if (!locks) return false;
  const lockPath = lockAliases[settingPath] ?? settingPath;
  return getPath(locks, lockPath) === true;
}

/** Removes the fields a level does not have. */
export function restrictToLevel(tree: ZoomSettings, level: SettingsLevel, prefix = ''): ZoomSettings {
  const out: ZoomSettings = {};
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!pathExistsAtLevel(path, level)) continue;
    out[key] = isSettingsObject(value) ? restrictToLevel(value, level, path) : clone(value);
  }
  return out;
}

/**
 * Effective settings: account values, then group overrides unless the account locks the field, then
 * user overrides unless the account or the group locks it. A locked value wins over lower levels.
 */
export function resolveSettings(input: {
  account: ZoomSettings;
  accountLocks: ZoomSettings;
  group?: { settings: ZoomSettings; locks: ZoomSettings } | undefined;
  user?: ZoomSettings | undefined;
}): ZoomSettings {
  const effective = clone(input.account);
  if (input.group) {
    for (const [path, value] of leaves(input.group.settings)) {
      if (!isLocked(input.accountLocks, path)) setPath(effective, path, clone(value));
    }
  }
  if (input.user) {
    for (const [path, value] of leaves(input.user)) {
      if (isLocked(input.accountLocks, path)) continue;
      if (input.group && isLocked(input.group.locks, path)) continue;
      setPath(effective, path, clone(value));
    }
  }
  return effective;
}

/** Effective locks for a group: the account's locks, plus the group's own. */
export function resolveGroupLocks(accountLocks: ZoomSettings, groupLocks: ZoomSettings): ZoomSettings {
  const out = clone(accountLocks);
  for (const [path, value] of leaves(groupLocks)) {
    if (value === true) setPath(out, path, true);
  }
  return out;
}

/**
 * `custom_query_fields`: "if you provide host_video you get {schedule_meeting:{host_video:false}}"; several
 * names comma-separated. A name matches a leaf or a whole section (Zoom's account-settings doc).
 */
export function filterByQueryFields(tree: ZoomSettings, fields: string): ZoomSettings {
  const wanted = new Set(
    fields
      .split(',')
      .map((field) => field.trim())
      .filter(Boolean),
  );
  const walk = (node: ZoomSettings): ZoomSettings => {
    const out: ZoomSettings = {};
    for (const [key, value] of Object.entries(node)) {
      if (wanted.has(key)) out[key] = clone(value);
      else if (isSettingsObject(value)) {
        const sub = walk(value);
        if (Object.keys(sub).length > 0) out[key] = sub;
      }
    }
    return out;
  };
  return walk(tree);
}

/** The alternative shapes GET settings returns for `option` (docs/zoom-platform.md §3, oneOf in the specs). */
export function settingsOptionView(option: string, effective: ZoomSettings): ZoomSettings | undefined {
  switch (option) {
    case 'meeting_authentication':
      return {
        meeting_authentication: false,
        authentication_options: [],
        allow_authentication_exception: false,
      };
    case 'recording_authentication':
      return { recording_authentication: false, authentication_options: [] };
    case 'meeting_security':
      return {
        meeting_security: {
          auto_security: true,
          block_user_domain: false,
          embed_password_in_join_link: true,
          encryption_type: 'enhanced_encryption',
          end_to_end_encrypted_meetings: false,
          meeting_password: true,
          phone_password: false,
          pmi_password: false,
          waiting_room: true,
        },
      };
    case 'security': {
      // The older spec returns security settings flat for `?option=security` (docs/zoom-platform.md §3).
      const security = effective.security;
      return isSettingsObject(security) ? { security: clone(security) } : {};
    }
    default:
      return undefined;
  }
}

/** Lock-settings `option=meeting_security` view. */
export function lockOptionView(option: string): ZoomSettings | undefined {
  if (option !== 'meeting_security') return undefined;
  return {
    meeting_security: { auto_security: false, embed_password_in_join_link: false, waiting_room: false },
  };
}
