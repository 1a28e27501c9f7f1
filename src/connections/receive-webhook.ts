import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import { answerUrlValidation, verifyWebhookSignature, zoomWebhookEnvelopeSchema } from '../zoom/index.ts';
import { findConnectionsByZoomAccount, insertWebhookEvent, touchConnectionWebhook } from './queries.ts';

export type WebhookReceipt =
  | { outcome: 'rejected'; status: 401 | 400; reason: string }
  | { outcome: 'validated'; body: { plainToken: string; encryptedToken: string } }
  | { outcome: 'duplicate' }
  | { outcome: 'stored'; eventIds: string[] };

/**
 * The receiver's work before it answers Zoom (within 3 s, docs/zoom-platform.md §4.1): verify the signature over the raw
 * bytes and the timestamp window, answer URL validation, store the event once per connection (a
 * duplicate or replayed delivery finds its key taken), and let the caller enqueue the stored ids. The
 body is stored sealed: it names people and may carry a `download_token`.
 */
export async function receiveZoomWebhook(
  deps: { db: Db; box: SecretBox; secretToken: string | undefined; nowMs?: number },
  request: { rawBody: Buffer; signature: string | undefined; timestamp: string | undefined },
): Promise<WebhookReceipt> {
  if (!deps.secretToken) return { outcome: 'rejected', status: 401, reason: 'no webhook secret configured' };
  const verification = verifyWebhookSignature({
    rawBody: request.rawBody,
    signature: request.signature,
    timestamp: request.timestamp,
    secretToken: deps.secretToken,
    nowMs: deps.nowMs,
  });
  if (verification.outcome === 'rejected')
    return { outcome: 'rejected', status: 401, reason: verification.reason };
  let json: unknown;
  try {
    json = JSON.parse(request.rawBody.toString('utf8'));
  } catch {
    return { outcome: 'rejected', status: 400, reason: 'body is not JSON' };
  }
  const envelope = zoomWebhookEnvelopeSchema.safeParse(json);
  if (!envelope.success) return { outcome: 'rejected', status: 400, reason: 'not a Zoom event' };
  const { event, payload } = envelope.data;
  if (event === 'endpoint.url_validation') {
    const plainToken = (payload as { plainToken?: unknown } | undefined)?.plainToken;
    if (typeof plainToken !== 'string' || plainToken.length === 0 || plainToken.length > 256) {
      return { outcome: 'rejected', status: 400, reason: 'bad plainToken' };
    }
    return { outcome: 'validated', body: answerUrlValidation(deps.secretToken, plainToken) };
  }
  const accountId = String((payload as { account_id?: unknown } | undefined)?.account_id ?? '');
  const connections = accountId ? await findConnectionsByZoomAccount(deps.db, accountId) : [];
  if (accountId) await touchConnectionWebhook(deps.db, accountId);
  const eventIds: string[] = [];
  const dedupeBase = dedupeKeyOf(event, json as Record<string, unknown>);
  const payloadSealed = deps.box.seal(request.rawBody.toString('utf8'));
  for (const connection of connections.length > 0 ? connections : [undefined]) {
    const stored = await insertWebhookEvent(deps.db, {
      dedupeKey: `${connection?.id ?? 'unrouted'}:${dedupeBase}`,
      event,
      zoomAccountId: accountId || null,
      connectionId: connection?.id ?? null,
      eventTs: eventTimeOf(envelope.data),
      payloadSealed,
    });
    if (stored && connection) eventIds.push(stored.id);
  }
  return eventIds.length > 0 ? { outcome: 'stored', eventIds } : { outcome: 'duplicate' };
}

/**
 * The event's time in ms: top-level `event_ts`, or one inside `payload` (as a string in a documented
 * `app_deauthorized` example, docs/zoom-platform.md §4.2); null when the event carries none.
 */
function eventTimeOf(envelope: {
  event_ts?: number | undefined;
  payload: Record<string, unknown>;
}): number | null {
  if (envelope.event_ts !== undefined) return envelope.event_ts;
  const inPayload = envelope.payload.event_ts;
  const value = typeof inPayload === 'string' && /^\d+$/.test(inPayload) ? Number(inPayload) : inPayload;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : null;
}

/**
 * Zoom delivers duplicates that differ only in download URLs and tokens (docs/zoom-platform.md §4.1, §7), so recording
 * events are keyed on the meeting instance and its file ids; other events on their whole payload.
 */
function dedupeKeyOf(event: string, body: Record<string, unknown>): string {
  const payload = (body.payload ?? {}) as {
    object?: { uuid?: string; recording_files?: Array<{ id?: string; file_type?: string }> };
  };
  if (event.startsWith('recording.') && payload.object?.uuid) {
    const files = (payload.object.recording_files ?? [])
      .map((file) => file.id ?? file.file_type ?? '')
      .sort()
      .join(',');
    return `${event}:${payload.object.uuid}:${files}`;
  }
  const hash = createHash('sha256')
    .update(JSON.stringify(body.payload ?? null))
    .digest('hex');
  return `${event}:${String(body.event_ts ?? '')}:${hash}`;
}
