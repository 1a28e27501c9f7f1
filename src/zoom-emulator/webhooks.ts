/**
 * Webhook delivery as Zoom does it (docs/zoom-platform.md §4.1): real HTTP POSTs signed with the app's secret token, an ack
 * window of 3 s, retries 5, 20 and 60 minutes after the previous attempt (virtual clock), URL validation at
 * registration and every 72 hours; plus fault switches (disabled, dropped, duplicated, delayed, out of order).
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Logger } from '../lib/logger.ts';
import type { VirtualClock } from './clock.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import type { AppRecord } from './state.ts';

/** `x-zm-signature`: "v0=" + hex HMAC-SHA256(secret, "v0:" + timestamp + ":" + exact body bytes). */
export function signWebhookBody(secretToken: string, timestampSeconds: number, body: string): string {
  return `v0=${createHmac('sha256', secretToken).update(`v0:${timestampSeconds}:${body}`).digest('hex')}`;
}

/** The `encryptedToken` an endpoint must echo for `endpoint.url_validation`: hex HMAC-SHA256(secret, plainToken). */
export function urlValidationToken(secretToken: string, plainToken: string): string {
  return createHmac('sha256', secretToken).update(plainToken).digest('hex');
}

export type WebhookSettings = {
  enabled: boolean;
  /** Send every event twice (the copies differ in `download_token` and download URLs, as Zoom's do). */
  duplicate: boolean;
  /** Share of events silently never sent (0..1, seeded). */
  dropRate: number;
  /** Hold every event this many virtual seconds before the first attempt. */
  delaySeconds: number;
  /** Hold events and send them newest first when released (`deliverPendingWebhooks()` or a clock advance). */
  outOfOrder: boolean;
  /** Ack window; Zoom's is 3 s. */
  ackTimeoutMs: number;
  /**
   * `recording.completed` lists only the first segment's files of a stopped/restarted recording (a known
   * Zoom issue reported in client code, docs/zoom-platform.md §7, UNCONFIRMED). The REST API still lists every segment.
   */
  firstSegmentOnly: boolean;
};

export function defaultWebhookSettings(): WebhookSettings {
  return {
    enabled: true,
    duplicate: false,
    dropRate: 0,
    delaySeconds: 0,
    outOfOrder: false,
    ackTimeoutMs: 3000,
    firstSegmentOnly: false,
  };
}

export type WebhookAttempt = { at: string; status: number | null; error: string | null; timestamp: number };

export type WebhookDelivery = {
  id: number;
  event: string;
  clientId: string;
  url: string;
  body: string;
  state: 'scheduled' | 'held' | 'in_flight' | 'retrying' | 'delivered' | 'failed' | 'dropped' | 'disabled';
  attempts: WebhookAttempt[];
  /** For duplicates: the delivery this one copies. */
  duplicateOf: number | null;
};

/** Retry delays after attempts 1, 2 and 3 (docs/zoom-platform.md §4.1: +5 min, then +20, then +60; then dropped). */
const retryDelaysMs = [5 * 60_000, 20 * 60_000, 60 * 60_000];
const revalidateEveryMs = 72 * 3600_000;

export type EnvelopeBuilder = (app: AppRecord, copy: number) => Record<string, unknown>;

export class WebhookDispatcher {
  private settings = defaultWebhookSettings();
  private readonly deliveries: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private held: WebhookDelivery[] = [];
  private readonly delayed = new Map<number, number>();
  private random: SeededRandom;
  private nextId = 1;
  private readonly validationTasks = new Map<string, number>();

  constructor(
    private readonly clock: VirtualClock,
    private readonly logger: Logger,
    private readonly seed: number,
    private readonly recipients: () => AppRecord[],
  ) {
    this.random = new SeededRandom(deriveSeed(seed, 'webhooks'));
  }

  getSettings(): WebhookSettings {
    return { ...this.settings };
  }

  setSettings(patch: Partial<WebhookSettings>): WebhookSettings {
    this.settings = { ...this.settings, ...patch };
    this.random = new SeededRandom(deriveSeed(this.seed, 'webhooks'));
    return this.getSettings();
  }

  log(): WebhookDelivery[] {
    return this.deliveries.map((delivery) => ({ ...delivery, attempts: [...delivery.attempts] }));
  }

  /**
   * Emits an event to every installed app with a webhook URL (or only to `onlyApp`). The builder makes the
   * envelope per app and per copy, so duplicates can carry their own download token.
   */
  emit(event: string, build: EnvelopeBuilder, onlyApp?: AppRecord): void {
    const apps = onlyApp ? [onlyApp] : this.recipients();
    for (const app of apps) {
      if (!app.webhookUrl) continue;
      this.lastKnownApps.set(app.clientId, app);
      const copies = this.settings.duplicate ? 2 : 1;
      let first: WebhookDelivery | null = null;
      for (let copy = 0; copy < copies; copy++) {
        const delivery: WebhookDelivery = {
          id: this.nextId++,
          event,
          clientId: app.clientId,
          url: app.webhookUrl,
          body: JSON.stringify(build(app, copy)),
          state: 'scheduled',
          attempts: [],
          duplicateOf: first ? first.id : null,
        };
        this.deliveries.push(delivery);
        if (copy === 0) first = delivery;
        if (!this.settings.enabled) {
          delivery.state = 'disabled';
          continue;
        }
        if (copy === 0 && this.settings.dropRate > 0 && this.random.next() < this.settings.dropRate) {
          delivery.state = 'dropped';
          break;
        }
        this.dispatch(delivery, app);
      }
    }
  }

  private dispatch(delivery: WebhookDelivery, app: AppRecord): void {
    if (this.settings.outOfOrder) {
      delivery.state = 'held';
      this.held.push(delivery);
      return;
    }
    if (this.settings.delaySeconds > 0) {
      const taskId = this.clock.schedule(
        this.clock.now() + this.settings.delaySeconds * 1000,
        `webhook ${delivery.event}`,
        () => {
          this.delayed.delete(delivery.id);
          return this.track(this.attempt(delivery, app));
        },
      );
      this.delayed.set(delivery.id, taskId);
      return;
    }
    void this.track(this.attempt(delivery, app));
  }

  private track(promise: Promise<void>): Promise<void> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  private appFor(delivery: WebhookDelivery): AppRecord | undefined {
    return (
      this.recipients().find((app) => app.clientId === delivery.clientId) ??
      this.lastKnownApps.get(delivery.clientId)
    );
  }

  /** Apps can be uninstalled while their `app_deauthorized` event is still being retried. */
  private readonly lastKnownApps = new Map<string, AppRecord>();

  private async attempt(delivery: WebhookDelivery, app: AppRecord): Promise<void> {
    this.lastKnownApps.set(app.clientId, app);
    delivery.state = 'in_flight';
    const timestamp = Math.floor(this.clock.now() / 1000);
    const attempt: WebhookAttempt = {
      at: new Date(this.clock.now()).toISOString(),
      status: null,
      error: null,
      timestamp,
    };
    delivery.attempts.push(attempt);
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          ...signedHeaders(app, timestamp, delivery.body),
          'x-zm-trackingid': `v=2.0;clid=aw1;rid=${randomBytes(12).toString('hex')}`,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.settings.ackTimeoutMs),
      });
      attempt.status = response.status;
      await response.body?.cancel();
      if (response.ok) {
        delivery.state = 'delivered';
        return;
      }
      attempt.error = `HTTP ${response.status}`;
    } catch (error) {
      attempt.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const delay = retryDelaysMs[delivery.attempts.length - 1];
    if (delay === undefined) {
      delivery.state = 'failed';
      this.logger.warn({ event: delivery.event, url: delivery.url }, 'webhook dropped after 4 attempts');
      return;
    }
    delivery.state = 'retrying';
    const attemptedAt = Date.parse(attempt.at);
    this.clock.schedule(attemptedAt + delay, `webhook retry ${delivery.event}`, () => {
      const target = this.appFor(delivery);
      return target ? this.track(this.attempt(delivery, target)) : undefined;
    });
  }

  /** Waits until no delivery is in flight (including deliveries started while waiting). */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Sends held (out-of-order) and delayed events now, newest held first, then waits for them. */
  async deliverPending(): Promise<void> {
    const held = this.held.reverse();
    this.held = [];
    // One at a time, so the receiver sees them in exactly this (reversed) order.
    for (const delivery of held) {
      const app = this.appFor(delivery);
      if (app) await this.track(this.attempt(delivery, app));
    }
    for (const [deliveryId, taskId] of this.delayed) {
      this.clock.cancel(taskId);
      const delivery = this.deliveries.find((d) => d.id === deliveryId);
      const app = delivery && this.appFor(delivery);
      if (delivery && app) void this.track(this.attempt(delivery, app));
    }
    this.delayed.clear();
    await this.flush();
  }

  /** Releases out-of-order events (called on clock advances) without waiting. */
  releaseHeld(): void {
    if (this.held.length === 0) return;
    void this.deliverPending();
  }

  /**
   * `endpoint.url_validation` (docs/zoom-platform.md §4.1): POST a plainToken, expect `{plainToken, encryptedToken}` within 3 s.
   * Runs at registration and again every 72 hours of virtual time.
   */
  async validateEndpoint(app: AppRecord): Promise<AppRecord['webhookValidation']> {
    if (!app.webhookUrl) return app.webhookValidation;
    const existing = this.validationTasks.get(app.clientId);
    if (existing !== undefined) this.clock.cancel(existing);
    this.validationTasks.set(
      app.clientId,
      this.clock.schedule(
        this.clock.now() + revalidateEveryMs,
        `url validation ${app.clientId}`,
        async () => {
          await this.validateEndpoint(app);
        },
      ),
    );
    const plainToken = randomBytes(16).toString('base64url');
    const body = JSON.stringify({
      payload: { plainToken },
      event_ts: this.clock.now(),
      event: 'endpoint.url_validation',
    });
    const timestamp = Math.floor(this.clock.now() / 1000);
    const delivery: WebhookDelivery = {
      id: this.nextId++,
      event: 'endpoint.url_validation',
      clientId: app.clientId,
      url: app.webhookUrl,
      body,
      state: 'in_flight',
      attempts: [{ at: new Date(this.clock.now()).toISOString(), status: null, error: null, timestamp }],
      duplicateOf: null,
    };
    this.deliveries.push(delivery);
    const attempt = delivery.attempts[0] as WebhookAttempt;
    const run = async () => {
      try {
        const response = await fetch(app.webhookUrl as string, {
          method: 'POST',
          headers: signedHeaders(app, timestamp, body),
          body,
          signal: AbortSignal.timeout(this.settings.ackTimeoutMs),
        });
        attempt.status = response.status;
        const text = await response.text();
        const expected = urlValidationToken(app.webhookSecretToken, plainToken);
        let reply: { plainToken?: unknown; encryptedToken?: unknown } = {};
        try {
          reply = JSON.parse(text) as typeof reply;
        } catch {
          // Not JSON: reported below.
        }
        if (response.ok && reply.plainToken === plainToken && reply.encryptedToken === expected) {
          app.webhookValidation = { status: 'validated', at: this.clock.now(), detail: null };
          delivery.state = 'delivered';
        } else {
          const detail = response.ok
            ? 'the response did not echo a valid encryptedToken'
            : `HTTP ${response.status}`;
          attempt.error = detail;
          app.webhookValidation = { status: 'failed', at: this.clock.now(), detail };
          delivery.state = 'failed';
        }
      } catch (error) {
        attempt.error = error instanceof Error ? error.message : String(error);
        app.webhookValidation = { status: 'failed', at: this.clock.now(), detail: attempt.error };
        delivery.state = 'failed';
      }
    };
    await this.track(run());
    return app.webhookValidation;
  }

  /** Stops re-validation of an app's endpoint (on uninstall of its registration). */
  forgetApp(clientId: string): void {
    const task = this.validationTasks.get(clientId);
    if (task !== undefined) this.clock.cancel(task);
    this.validationTasks.delete(clientId);
  }
}

/** The headers Zoom sends with every event notification, its signature over timestamp and body included. */
function signedHeaders(app: AppRecord, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': 'Zoom Marketplace/1.0a',
    clientid: app.clientId,
    'x-zm-request-timestamp': String(timestamp),
    'x-zm-signature': signWebhookBody(app.webhookSecretToken, timestamp, body),
  };
}
