/**
 * The Zoom emulator: a local Zoom for tests and the sandbox. Callport reaches it only over HTTP, through its
 * OAuth and API base URLs, exactly as it reaches Zoom. See docs/emulator.md.
 */
import { randomBytes } from 'node:crypto';
import { createLogger, type Logger } from '../lib/logger.ts';
import { VirtualClock } from './clock.ts';
import { createControl, type EmulatorControl } from './control.ts';
import { registerControlRoutes } from './control-http.ts';
import { registerDownloadRoutes } from './downloads.ts';
import { FaultController } from './faults.ts';
import { registerGroupRoutes } from './groups.ts';
import { registerMeetingSummaryRoutes } from './meeting-summaries.ts';
import { registerMeetingsHeldRoutes } from './meetings-held.ts';
import { NetworkController, type NetworkProfileInput, type PacingClock } from './network.ts';
import { isAppInstalled, registerApp, registerOAuthRoutes } from './oauth.ts';
import { deriveSeed, SeededRandom } from './random.ts';
import { RateLimiter } from './rate-limits.ts';
import { registerRecordingRoutes } from './recordings.ts';
import type { RequestLogEntry } from './request-log.ts';
import { RequestLog } from './request-log.ts';
import {
  applyEmptyScenario,
  applySandboxScenario,
  type ScenarioName,
  sandboxServerToServerApp,
  seedSandboxMeetings,
} from './scenarios.ts';
import { createServer } from './server.ts';
import { setPath } from './settings.ts';
import { registerSettingsRoutes } from './settings-routes.ts';
import { type EmulatorAppRegistration, type EmulatorContext, EmulatorState } from './state.ts';
import { registerUserRoutes } from './users.ts';
import { WebhookDispatcher } from './webhooks.ts';

export type { EmulatorControl, RecordingInfo } from './control.ts';
export type { FaultSettings } from './faults.ts';
export {
  type NetworkProfile,
  type NetworkProfileInput,
  networkProfiles,
  resolveNetworkProfile,
} from './network.ts';
export type { SimulateMeetingOptions, SimulateMeetingResult } from './recordings.ts';
export type { ScenarioName } from './scenarios.ts';
export {
  defaultSandboxApp,
  sandboxAccountId,
  sandboxRecurringMeetingId,
  sandboxServerToServerApp,
  sandboxTrickyUuids,
} from './scenarios.ts';
export type { EmulatorAppRegistration } from './state.ts';
export { signWebhookBody, urlValidationToken, type WebhookSettings } from './webhooks.ts';

export type StartEmulatorOptions = {
  /** 0 = a random free port; the CLI defaults to 9090. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Base URL to advertise in URLs (download, share) when clients reach the emulator by another address. */
  publicUrl?: string;
  /** Default `sandbox`. */
  scenario?: ScenarioName;
  /** Seeds ids and faults (same seed, same ids and same injected failures). Default 1. */
  seed?: number;
  /** Apps to register (OAuth clients, webhook receivers). */
  apps?: EmulatorAppRegistration[];
  /** Told of every request the emulator logs (also those a later `clearRequestLog()` forgets). */
  onRequest?: (entry: RequestLogEntry) => void;
  /** Virtual clock start; default the real now. */
  startClock?: Date;
  /**
   * Freeze virtual time: it moves only with `control.advanceClock()`. Default false (virtual time also flows
   * with real time, and due work runs every second) — tests usually want true.
   */
  freezeClock?: boolean;
  /**
   * "Create audio transcript" (`recording.recording_audio_transcript`) for the account from the start.
   * Zoom's default for new accounts could not be confirmed (docs/zoom-platform.md §3): the empty scenario has it off (no
   * TRANSCRIPT file until someone, e.g. Callport's policy, turns it on), the sandbox on (Acme's choice).
   */
  audioTranscriptByDefault?: boolean;
  /**
   * Network profile: `zoom` adds Zoom-like latency to every REST and download answer and limits each
   * download stream's bandwidth (docs/emulator.md#network-profile); default `off` (loopback speed).
   */
  network?: NetworkProfileInput;
  /** Where the network profile waits (tests: a fake clock that records the waits); default real time. */
  networkClock?: PacingClock;
  logger?: Logger;
};

/** A running emulator. */
export type ZoomEmulator = {
  /** `http://127.0.0.1:PORT`: serves /oauth/*, /v2/*, /rec/*, /_emulator/*. */
  url: string;
  /** Same as `url` (Zoom: https://zoom.us). */
  oauthUrl: string;
  /** `url + '/v2'` (Zoom: https://api.zoom.us/v2). */
  apiUrl: string;
  control: EmulatorControl;
  close(): Promise<void>;
};

/** Starts an emulator with a scenario, registers the given apps, and listens. */
export async function startEmulator(options: StartEmulatorOptions = {}): Promise<ZoomEmulator> {
  const seed = options.seed ?? 1;
  const logger = options.logger ?? createLogger({ level: 'warn', name: 'zoom-emulator' });
  const clock = new VirtualClock((options.startClock ?? new Date()).getTime(), options.freezeClock ?? false);
  const state = new EmulatorState();
  let baseUrl = '';
  const ctx: EmulatorContext = {
    state,
    clock,
    ids: new SeededRandom(deriveSeed(seed, 'ids')),
    logger,
    faults: new FaultController(seed),
    network: new NetworkController(options.network ?? 'off', options.networkClock),
    rateLimiter: new RateLimiter('business'),
    requestLog: new RequestLog(options.onRequest),
    webhooks: new WebhookDispatcher(clock, logger, seed, () =>
      [...state.apps.values()].filter((app) => isAppInstalled(ctx, app)),
    ),
    urlSigningKey: randomBytes(32),
    baseUrl: () => baseUrl,
  };

  const scenario = options.scenario ?? 'sandbox';
  if (scenario === 'sandbox') applySandboxScenario(ctx);
  else applyEmptyScenario(ctx);
  if (options.audioTranscriptByDefault !== undefined)
    setPath(state.account.settings, 'recording.recording_audio_transcript', options.audioTranscriptByDefault);
  ctx.rateLimiter.plan = state.account.plan;

  const app = createServer(ctx);
  registerOAuthRoutes(app, ctx);
  registerUserRoutes(app, ctx);
  registerGroupRoutes(app, ctx);
  registerSettingsRoutes(app, ctx);
  registerRecordingRoutes(app, ctx);
  registerMeetingsHeldRoutes(app, ctx);
  registerMeetingSummaryRoutes(app, ctx);
  registerDownloadRoutes(app, ctx);
  const control = createControl(ctx);
  registerControlRoutes(app, control);

  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  baseUrl =
    options.publicUrl?.replace(/\/$/, '') ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // Apps after listening (URLs in payloads need the base URL), meetings after apps.
  for (const registration of options.apps ?? []) registerApp(ctx, registration);
  if (scenario === 'sandbox') {
    if (!state.apps.has(sandboxServerToServerApp.clientId)) registerApp(ctx, sandboxServerToServerApp);
    seedSandboxMeetings(ctx);
  }

  let ticking = false;
  const timer = options.freezeClock
    ? null
    : setInterval(() => {
        if (ticking) return;
        ticking = true;
        ctx.webhooks.releaseHeld();
        void clock
          .runDue()
          .catch((error: unknown) => logger.error({ err: error }, 'emulator scheduled task failed'))
          .finally(() => {
            ticking = false;
          });
      }, 1000);
  timer?.unref();

  return {
    url: baseUrl,
    oauthUrl: baseUrl,
    apiUrl: `${baseUrl}/v2`,
    control,
    async close() {
      if (timer) clearInterval(timer);
      await ctx.webhooks.flush();
      await app.close();
    },
  };
}
