import type { TFunction } from 'i18next';
import { ApiError } from '@/api.ts';
import { describeMessage } from '@/messages.ts';

/** Codes whose meaning does not depend on the request: one translated sentence each. */
const translatedCodes = new Set([
  'invalid_credentials',
  'unauthenticated',
  'forbidden',
  'not_found',
  'validation_failed',
  'csrf_invalid',
  'network_error',
  'invalid_response',
]);

/**
 * A sentence for people, in their language: our translation of known codes, else the server's own message.
 * `byCode` gives the meaning of codes that depend on the request (a 409 on "add user" is a taken e-mail).
 */
export function describeError(
  t: TFunction,
  error: unknown,
  byCode: Partial<Record<string, string>> = {},
): string {
  if (error instanceof ApiError) {
    const specific = byCode[error.code];
    if (specific) return specific;
    if (error.reason) return describeMessage(t, error.reason);
    if (error.code === 'rate_limited') {
      return error.retryAfter
        ? t('errors.rate_limited_retry', { count: error.retryAfter })
        : t('errors.rate_limited');
    }
    if (translatedCodes.has(error.code)) return t(`errors.${error.code}` as 'errors.forbidden');
    if (error.status >= 500) return t('errors.internal');
    if (error.status === 0) return t('errors.network_error');
    // A refusal without a reason code: a generic sentence in the reader's language, never the
    // server's English (the code and message stay in the console for whoever debugs it).
    console.warn('Callport refused the request', error.code, error.message);
    return t('errors.refused', { code: error.code });
  }
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}
