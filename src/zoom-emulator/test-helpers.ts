/**
 * Helpers for the emulator's own tests (and anyone testing against it): a webhook receiver that records raw
 * bodies, an OAuth round trip through the consent form, and small HTTP shortcuts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmulatorAppRegistration,
  type SimulateMeetingOptions,
  type SimulateMeetingResult,
  type StartEmulatorOptions,
  startEmulator,
  type ZoomEmulator,
} from './index.ts';
import { readWriteAdminScopes } from './scenarios.ts';
import { urlValidationToken } from './webhooks.ts';

// biome-ignore lint/suspicious/noExplicitAny: tests inspect Zoom's JSON loosely and validate it separately.
export type Json = any;

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; json: Json; receivedAt: number };

/**
 * An HTTP server standing in for an app's webhook endpoint. It answers `endpoint.url_validation` correctly
 * (unless `validate` is false) and other events with `status` after `delayMs`.
 */
export async function startWebhookReceiver(secretToken: string) {
  const received: ReceivedWebhook[] = [];
  const behaviour = { status: 200, delayMs: 0, validate: true };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const json = JSON.parse(body) as Json;
      received.push({ headers: request.headers, body, json, receivedAt: Date.now() });
      const reply = () => {
        if (json.event === 'endpoint.url_validation' && behaviour.validate) {
          const plainToken = (json.payload as { plainToken: string }).plainToken;
          response.writeHead(200, { 'content-type': 'application/json' });
          response.end(
            JSON.stringify({ plainToken, encryptedToken: urlValidationToken(secretToken, plainToken) }),
          );
          return;
        }
        response.writeHead(behaviour.status, { 'content-type': 'application/json' });
        response.end('{}');
      };
      if (behaviour.delayMs > 0) setTimeout(reply, behaviour.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/zoom/webhook`,
    received,
    behaviour,
    events: (name?: string) =>
      received.filter((r) => r.json.event !== 'endpoint.url_validation' && (!name || r.json.event === name)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

export const testApp: EmulatorAppRegistration = {
  clientId: 'test-client-id',
  clientSecret: 'test-client-secret',
  redirectUris: ['http://127.0.0.1:5999/callback'],
  scopes: [
    ...readWriteAdminScopes,
    'role:read:admin',
    'meeting:read:admin',
    'report:read:admin',
    // Optional: AI Companion's meeting summaries (docs/zoom-platform.md §2.6).
    'meeting_summary:read:admin',
  ],
  webhookSecretToken: 'test-webhook-secret',
  type: 'general',
};

/** A frozen-clock emulator with the test app registered (no webhook URL unless given). */
export function startTestEmulator(
  options: StartEmulatorOptions & { webhookUrl?: string } = {},
): Promise<ZoomEmulator> {
  return startEmulator({
    port: 0,
    freezeClock: true,
    startClock: new Date('2026-03-10T12:00:00Z'),
    apps: [{ ...testApp, webhookUrl: options.webhookUrl }],
    ...options,
  });
}

/** A test emulator with the test app installed, and that installation's access token. */
export async function startInstalledEmulator(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const emulator = await startTestEmulator(options);
  return { emulator, token: emulator.control.installApp(testApp.clientId).access_token };
}

/**
 * A test emulator sending its webhooks to a new receiver, with the test app installed; `close` stops both.
 * `token` is the installation's access token (renew it after moving the clock past its hour).
 */
export async function startReceivingEmulator(options: Parameters<typeof startTestEmulator>[0] = {}) {
  const receiver = await startWebhookReceiver(testApp.webhookSecretToken);
  const { emulator, token } = await startInstalledEmulator({ ...options, webhookUrl: receiver.url });
  return {
    emulator,
    control: emulator.control,
    receiver,
    token,
    close: async () => {
      await emulator.close();
      await receiver.close();
    },
  };
}

export type ReceivingEmulator = Awaited<ReturnType<typeof startReceivingEmulator>>;

/**
 * Holds a meeting whose host records it to the cloud (5 minutes unless `options` say otherwise), then moves
 * the clock a second so its files are `completed`.
 */
export async function recordMeeting(
  emulator: ZoomEmulator,
  hostEmail: string,
  topic: string,
  options: Partial<SimulateMeetingOptions> = {},
): Promise<SimulateMeetingResult> {
  const result = emulator.control.simulateMeeting({
    hostEmail,
    topic,
    durationMinutes: 5,
    cloudRecordingManual: true,
    processingSeconds: 0,
    ...options,
  });
  await emulator.control.advanceClock(1);
  return result;
}

/** A meeting UUID as a path segment, encoded twice as Zoom wants it where it starts with `/` or holds `//`. */
export function uuidPath(uuid: string): string {
  return encodeURIComponent(encodeURIComponent(uuid));
}

export function basicAuth(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
}

/** Goes through /oauth/authorize's form as a tester would and returns the redirect URL. */
export async function authorize(
  emulator: ZoomEmulator,
  params: Record<string, string> & { user_id?: string; decision?: 'allow' | 'deny' },
): Promise<URL> {
  const form = new URLSearchParams({ response_type: 'code', decision: 'allow', ...params });
  const response = await fetch(`${emulator.oauthUrl}/oauth/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  if (response.status !== 302)
    throw new Error(`authorize answered ${response.status}: ${await response.text()}`);
  return new URL(response.headers.get('location') as string);
}

export async function exchangeCode(
  emulator: ZoomEmulator,
  code: string,
  extra: Record<string, string> = {},
  app = testApp,
) {
  const response = await fetch(`${emulator.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(app.clientId, app.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: app.redirectUris[0] as string,
      ...extra,
    }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

export async function refresh(emulator: ZoomEmulator, refreshToken: string, app = testApp) {
  const response = await fetch(`${emulator.oauthUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: basicAuth(app.clientId, app.clientSecret),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
  });
  return { status: response.status, body: (await response.json()) as Json };
}

/** GET a REST path with a Bearer token; returns status, headers and parsed JSON (or text). */
export async function api(emulator: ZoomEmulator, token: string, path: string, init: RequestInit = {}) {
  const response = await fetch(`${emulator.apiUrl}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${token}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers ?? {}),
    },
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: body as Json };
}
