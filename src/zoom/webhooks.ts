import { createHmac, timingSafeEqual } from 'node:crypto';

export type WebhookVerification =
  | { outcome: 'verified'; timestampSeconds: number }
  | { outcome: 'rejected'; reason: 'missing_headers' | 'bad_timestamp' | 'stale' | 'bad_signature' };

/**
 * Checks Zoom's `x-zm-signature` over the exact raw body bytes (docs/zoom-platform.md §4.1):
 * `v0=` + hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)), compared in constant time, and the
 * `x-zm-request-timestamp` (seconds) within `toleranceSeconds` of now, so a captured request cannot be
 * replayed later.
 */
export function verifyWebhookSignature(options: {
  rawBody: Buffer | string;
  signature: string | undefined;
  timestamp: string | undefined;
  secretToken: string;
  nowMs?: number;
  toleranceSeconds?: number;
}): WebhookVerification {
  const { signature, timestamp } = options;
  if (!signature || !timestamp) return { outcome: 'rejected', reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { outcome: 'rejected', reason: 'bad_timestamp' };
  const timestampSeconds = Number(timestamp);
  const nowSeconds = (options.nowMs ?? Date.now()) / 1000;
  if (Math.abs(nowSeconds - timestampSeconds) > (options.toleranceSeconds ?? 300)) {
    return { outcome: 'rejected', reason: 'stale' };
  }
  const expected = signWebhook(options.secretToken, timestamp, options.rawBody);
  const given = Buffer.from(signature);
  const wanted = Buffer.from(expected);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    return { outcome: 'rejected', reason: 'bad_signature' };
  }
  return { outcome: 'verified', timestampSeconds };
}

export function signWebhook(secretToken: string, timestamp: string, rawBody: Buffer | string): string {
  const hmac = createHmac('sha256', secretToken);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest('hex')}`;
}

/** The answer to `endpoint.url_validation`: `{ plainToken, encryptedToken }` (docs/zoom-platform.md §4.1). */
export function answerUrlValidation(secretToken: string, plainToken: string) {
  return { plainToken, encryptedToken: createHmac('sha256', secretToken).update(plainToken).digest('hex') };
}
