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

type Levels = PolicyItem['levels'];
const accountAndGroup: Levels = ['account', 'group'];
const accountOnly: Levels = ['account'];

/** An item no API field sets: a person follows its steps in Zoom's web portal. */
const manualItem = (id: string, manual: MessageCode[]): PolicyItem => ({ id, levels: [], manual });

/** What an API item may add: its id when not the field's last part, and whether Zoom locks it. */
type ApiItemOptions = Pick<PolicyItem, 'manual' | 'isUnconfirmed' | 'isBeyondGuide'> & {
  id?: string;
  /** Zoom's lock key for it is the field itself. */
  isLockable?: boolean;
};

/** An item Callport sets through Zoom's API at `field` (a dotted path in Zoom's settings). */
function apiItem(
  field: string,
  target: NonNullable<PolicyItem['target']>,
  levels: Levels,
  more: ApiItemOptions = {},
): PolicyItem {
  const { id = field.slice(field.lastIndexOf('.') + 1), isLockable, ...flags } = more;
  return { id, field, target, levels, ...(isLockable ? { lockKey: field } : {}), ...flags };
}

export function policyItems(autoDeleteDays: number): PolicyItem[] {
  return [
    manualItem('sign_out_after_time', [
      'step_sign_out_after_time_1',
      'step_sign_out_after_time_2',
      'step_sign_out_after_time_3',
    ]),
    apiItem('recording.cloud_recording', true, accountAndGroup, { isLockable: true }),
    apiItem('recording.record_speaker_view', true, accountAndGroup),
    apiItem('recording.display_participant_name', true, accountAndGroup),
    apiItem('recording.recording_thumbnails', true, accountAndGroup),
    apiItem('recording.auto_recording', 'cloud', accountAndGroup, { isLockable: true }),
    apiItem('recording.host_pause_stop_recording', true, accountOnly, { isUnconfirmed: true }),
    apiItem('recording.auto_delete_cmr', true, accountOnly, { isLockable: true }),
    apiItem('recording.auto_delete_cmr_days', autoDeleteDays, accountOnly, {
      manual: ['step_auto_delete_cmr_days_1', 'step_auto_delete_cmr_days_2'],
    }),
    apiItem('recording.recording_disclaimer', true, accountOnly),
    apiItem('recording.ask_participants_to_consent_disclaimer', true, accountOnly, { isUnconfirmed: true }),
    manualItem('custom_disclaimer', [
      'step_custom_disclaimer_1',
      'step_custom_disclaimer_2',
      'step_custom_disclaimer_3',
    ]),
    apiItem('email_notification.cloud_recording_available_reminder', false, accountAndGroup, {
      id: 'cloud_recording_available_email',
      isLockable: true,
    }),
    // Beyond the guide: without "Create audio transcript" Zoom makes no TRANSCRIPT file, so a call has
    // no searchable text. Zoom's default for new accounts could not be confirmed (docs/zoom-platform.md §3): enforce it.
    apiItem('recording.recording_audio_transcript', true, accountAndGroup, { isBeyondGuide: true }),
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
