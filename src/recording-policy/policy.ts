import type { MessageCode } from '../contract/index.ts';

/**
 * The guide's recording settings (section 1 and its "Important" note) as data: Zoom field, target,
 * where Zoom lets it be set, its lock key, and whether the API can set it at all (docs/zoom-platform.md §3).
 */
export type PolicyItem = {
  id: string;
  /** Dotted path in Zoom's settings object; undefined for manual items. */
  field?: string;
  target?: boolean | string | number;
  /** Where Zoom's API accepts the field. */
  levels: Array<'account' | 'group'>;
  /** Lock key in lock_settings, when Zoom documents one. */
  lockKey?: string;
  /** Manual-only: no API field exists (or Zoom refuses it); the steps, as message codes (UI text). */
  manual?: MessageCode[];
  /** UNCONFIRMED in the reference: Callport tries and reports Zoom's answer. */
  isUnconfirmed?: boolean;
  /** Callport's own item, not in the guide: shown as such, with the reason. */
  isBeyondGuide?: boolean;
};

export function policyItems(autoDeleteDays: number): PolicyItem[] {
  return [
    {
      id: 'sign_out_after_time',
      levels: [],
      manual: ['step_sign_out_after_time_1', 'step_sign_out_after_time_2', 'step_sign_out_after_time_3'],
    },
    {
      id: 'cloud_recording',
      field: 'recording.cloud_recording',
      target: true,
      levels: ['account', 'group'],
      lockKey: 'recording.cloud_recording',
    },
    {
      id: 'record_speaker_view',
      field: 'recording.record_speaker_view',
      target: true,
      levels: ['account', 'group'],
    },
    {
      id: 'display_participant_name',
      field: 'recording.display_participant_name',
      target: true,
      levels: ['account', 'group'],
    },
    {
      id: 'recording_thumbnails',
      field: 'recording.recording_thumbnails',
      target: true,
      levels: ['account', 'group'],
    },
    {
      id: 'auto_recording',
      field: 'recording.auto_recording',
      target: 'cloud',
      levels: ['account', 'group'],
      lockKey: 'recording.auto_recording',
    },
    {
      id: 'host_pause_stop_recording',
      field: 'recording.host_pause_stop_recording',
      target: true,
      levels: ['account'],
      isUnconfirmed: true,
    },
    {
      id: 'auto_delete_cmr',
      field: 'recording.auto_delete_cmr',
      target: true,
      levels: ['account'],
      lockKey: 'recording.auto_delete_cmr',
    },
    {
      id: 'auto_delete_cmr_days',
      field: 'recording.auto_delete_cmr_days',
      target: autoDeleteDays,
      levels: ['account'],
      manual: ['step_auto_delete_cmr_days_1', 'step_auto_delete_cmr_days_2'],
    },
    {
      id: 'recording_disclaimer',
      field: 'recording.recording_disclaimer',
      target: true,
      levels: ['account'],
    },
    {
      id: 'ask_participants_to_consent_disclaimer',
      field: 'recording.ask_participants_to_consent_disclaimer',
      target: true,
      levels: ['account'],
      isUnconfirmed: true,
    },
    {
      id: 'custom_disclaimer',
      levels: [],
      manual: ['step_custom_disclaimer_1', 'step_custom_disclaimer_2', 'step_custom_disclaimer_3'],
    },
    {
      id: 'cloud_recording_available_email',
      field: 'email_notification.cloud_recording_available_reminder',
      target: false,
      levels: ['account', 'group'],
      lockKey: 'email_notification.cloud_recording_available_reminder',
    },
    // Beyond the guide: without "Create audio transcript" Zoom makes no TRANSCRIPT file, so a call has
    // no searchable text. Zoom's default for new accounts could not be confirmed (docs/zoom-platform.md §3): enforce it.
    {
      id: 'recording_audio_transcript',
      field: 'recording.recording_audio_transcript',
      target: true,
      levels: ['account', 'group'],
      isBeyondGuide: true,
    },
  ];
}

/** The recommended disclaimer (guide section 3), with the organisation's product name and URL. */
export function recommendedDisclaimer(productName: string, productUrl: string | null) {
  const url = productUrl ?? 'https://callport.dev';
  return {
    fr: {
      title: `Cette réunion est enregistrée et annotée avec ${productName}.`,
      description: `En continuant à participer à la réunion, vous acceptez d'être enregistré. Si vous souhaitez accéder à l'enregistrement, demandez à votre hôte de le partager avec vous. Créez vos propres enregistrements et vos points forts à l'adresse suivante : ${url}`,
    },
    en: {
      title: `This meeting is recorded and annotated with ${productName}.`,
      description: `By continuing to take part in the meeting, you agree to be recorded. If you would like access to the recording, ask your host to share it with you. Create your own recordings and highlights at ${url}`,
    },
  };
}

export function readPath(settings: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) =>
        value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined,
      settings,
    );
}

export function bodyFor(path: string, value: unknown): Record<string, unknown> {
  return path
    .split('.')
    .reverse()
    .reduce<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}
