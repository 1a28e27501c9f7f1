import type { Message } from '@contract/index.ts';
import type { TFunction } from 'i18next';

/**
 * A server message (code + params, see src/contract/messages.ts) in the reader's language: the
 * locale entry `server.<code>` with the params interpolated. A code this UI does not know yet (a newer
 * server) shows a generic sentence rather than the raw code.
 */
export function describeMessage(t: TFunction, message: Message): string {
  return t(`server.${message.code}` as 'server.erased', {
    ...paramsIn(t, message),
    defaultValue: t('errors.unknown', { message: message.code }),
  });
}

/** Params that are words, not values, put in the reader's language. */
function paramsIn(t: TFunction, message: Message): Message['params'] {
  if (message.code !== 'zoom_processing_files') return message.params;
  // Files Zoom has not typed yet: `untyped` counts them (older rows wrote "?" in the list instead).
  const listed = String(message.params?.files ?? '')
    .split(', ')
    .filter(Boolean);
  const typed = listed.filter((file) => file !== '?');
  const untyped = Number(message.params?.untyped ?? 0) + listed.length - typed.length;
  const parts = untyped > 0 ? [...typed, t('messageParts.untypedFiles', { count: untyped })] : typed;
  return { ...message.params, files: parts.join(', ') };
}
