import type { Message, MessageCode } from '../contract/index.ts';

/** A message for a text column: `code`, or `code {"param":…}` (read back by decodeMessage). */
export function encodeMessage(code: MessageCode, params?: Message['params']): string {
  return params && Object.keys(params).length > 0 ? `${code} ${JSON.stringify(params)}` : code;
}

/**
 * A stored message back as code + params. Rows written before messages were codes hold English
 * sentences: the known ones map to their code, any other comes back as `legacy_text` with the text.
 */
export function decodeMessage(text: string | null): Message | null {
  if (text === null || text === '') return null;
  const coded = /^([a-z_]+)(?: (\{.*\}))?$/.exec(text);
  if (coded) {
    try {
      return coded[2] ? { code: coded[1]!, params: JSON.parse(coded[2]) } : { code: coded[1]! };
    } catch {
      // Not ours after all: fall through to the legacy forms.
    }
  }
  const discovered = /^discovered by (webhook|sweep|manual)$/.exec(text);
  if (discovered) return { code: `discovered_via_${discovered[1]}` };
  const processing = /^Zoom is still processing (.+)$/.exec(text);
  if (processing) return { code: 'zoom_processing_files', params: { files: processing[1]! } };
  const unreadable = /^Zoom listed (\d+) meeting\(s\) Callport could not read, skipped: (.*)$/s.exec(text);
  if (unreadable)
    return {
      code: 'sweep_meetings_unreadable',
      params: { count: Number(unreadable[1]), detail: unreadable[2]! },
    };
  const refused = /^Zoom refused to renew access \((.*)\)\. An admin must reconnect Zoom\.$/s.exec(text);
  if (refused) return { code: 'zoom_refresh_refused', params: { error: refused[1]! } };
  const retention = /^retention: older than (\d+) days$/.exec(text);
  if (retention) return { code: 'erased_by_retention', params: { days: Number(retention[1]) } };
  const moved = /^(trashed|deleted) in Zoom by (.+)$/.exec(text);
  if (moved)
    return moved[2] === 'someone'
      ? { code: `${moved[1]}_in_zoom` }
      : { code: `${moved[1]}_in_zoom_by`, params: { operator: moved[2]! } };
  const retrying = /^retrying: (.*)$/s.exec(text);
  if (retrying) return { code: 'retrying', params: { error: retrying[1]! } };
  const known: Record<string, string> = {
    'recovered from the trash': 'recovered_from_trash',
    'no audio or video file yet': 'no_media_yet',
    'Zoom no longer has this recording (deleted or trashed)': 'gone_at_zoom',
    'erasure request': 'erased_on_request',
  };
  if (known[text]) return { code: known[text] };
  return { code: 'legacy_text', params: { text } };
}
