import type { TFunction } from 'i18next';
import { ApiError } from './api.ts';

const translatedCodes = new Set([
  'invalid_credentials',
  'unauthenticated',
  'forbidden',
  'conflict',
  'not_found',
  'invalid_request',
  'csrf_invalid',
  'network_error',
  'invalid_response',
]);

/** A sentence for people, in their language: our translation of known codes, else the server's own message. */
export function describeError(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'rate_limited') {
      return error.retryAfter
        ? t('errors.rate_limited_retry', { count: error.retryAfter })
        : t('errors.rate_limited');
    }
    // A validation error's own message names the field; keep it.
    if (error.code === 'invalid_request' && error.message) return error.message;
    if (translatedCodes.has(error.code)) {
      return t(`errors.${error.code}` as 'errors.forbidden');
    }
    return t('errors.unknown', { message: error.message });
  }
  return t('errors.unknown', { message: error instanceof Error ? error.message : String(error) });
}
