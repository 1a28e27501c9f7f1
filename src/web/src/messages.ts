import type { Message } from '@contract/index.ts';
import type { TFunction } from 'i18next';

/**
 * A server message (code + params, see src/contract/messages.ts) in the reader's language: the
 * locale entry `server.<code>` with the params interpolated. A code this UI does not know yet (a newer
 * server) shows a generic sentence rather than the raw code.
 */
export function describeMessage(t: TFunction, message: Message): string {
  return t(`server.${message.code}` as 'server.erased', {
    ...message.params,
    defaultValue: t('errors.unknown', { message: message.code }),
  });
}
