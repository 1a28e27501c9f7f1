import type { TFunction } from 'i18next';
import { ApiError } from './api.ts';

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
    if (error.code === 'rate_limited') {
      return error.retryAfter
        ? t('errors.rate_limited_retry', { count: error.retryAfter })
        : t('errors.rate_limited');
    }
    if (translatedCodes.has(error.code)) return t(`errors.${error.code}` as 'errors.forbidden');
    if (error.status >= 500 || error.status === 0) return t('errors.unknown', { message: error.message });
    // Other refusals (conflict, bad_request, …) carry a message written for people: show it as is.
    return error.message;
  }
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}
