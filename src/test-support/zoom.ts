import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { optionalScopes, requiredScopes, type ZoomAppConfig } from '../connections/index.ts';
import type { Database } from '../db/index.ts';
import { type RecordingInfo, startEmulator, type ZoomEmulator } from '../zoom-emulator/index.ts';
import type { RequestLogEntry } from '../zoom-emulator/request-log.ts';
import { startTestApp, type TestApp, type TestClient } from './app.ts';
import { requestContractErrors } from './zoom-openapi.ts';

type SimulateMeetingOptions = Parameters<ZoomEmulator['control']['simulateMeeting']>[0];
type SimulatedMeeting = ReturnType<ZoomEmulator['control']['simulateMeeting']>;

export type ZoomTestBed = {
  app: TestApp;
  emulator: ZoomEmulator;
  zoomApp: ZoomAppConfig;
  /** Callport's real HTTP address (the emulator delivers webhooks there). */
  callportUrl: string;
  /** What a Callport process of its own needs to be this Callport's Zoom app: PUBLIC_URL and ZOOM_*. */
  zoomAppEnv: Record<string, string>;
  organizationId: string;
  admin: TestClient;
  /**
   * Runs the OAuth round trip as the admin's browser would (another organisation's admin with
   * `admin`); returns the final redirect.
   */
  connect(options?: {
    zoomUserId?: string;
    decision?: 'allow' | 'deny';
    admin?: TestClient;
  }): Promise<string>;
  /** Every callback URL Zoom redirected a browser to (with its `code` and `state`), oldest first. */
  callbackUrls: string[];
  /** Users > Associer automatiquement > Sauvegarder: syncs Zoom users and saves every proposed link. */
  linkZoomUsers(): Promise<void>;
  /** The guide's first steps: the admin adds these people, connects Zoom and links their Zoom users. */
  followGuide(people: Array<{ email: string; name: string }>): Promise<void>;
  /**
   * Waits until every linked user's first import (backfill) is listed and nothing is left importing:
   * for tests whose later steps must not race the sandbox's older recordings. Polls state, 60 s at most.
   */
  waitForFirstImports(): Promise<void>;
  /**
   * Imports > "Importer maintenant", then waits until a sweep has finished since and nothing is left
   * importing: what that sweep would import is in. Polls state, 60 s at most.
   */
  sweepNow(): Promise<void>;
  /** The Zoom admin turns on automatic cloud recording, with audio transcripts, for the whole account. */
  recordEverythingToCloud(): void;
  /**
   * A one-minute meeting that Zoom finishes processing a second after it ends (the transcript a
   * second later unless `transcriptSeconds` says otherwise); the clock moves 5 s and the webhooks are
   * delivered before it resolves.
   */
  recordMeeting(options: Omit<SimulateMeetingOptions, 'durationMinutes'>): Promise<SimulatedMeeting>;
  /** Every REST request Callport made to the emulator so far (checked against Zoom's specs at `stop()`). */
  callportRequests(): RequestLogEntry[];
  /** Stops Callport and the emulator, then fails if a request Callport made breaks Zoom's specs. */
  stop(): Promise<void>;
};

/**
 * A port nothing listens on, for a server that must know its own URL before it starts. It is picked
 * below Linux's ephemeral range (32768-60999), where the kernel never hands out ports on its own: a
 * port from listen(0), closed again, could be taken by any outgoing connection or listen(0) elsewhere
 * before its real server binds it (CI once failed with EADDRINUSE that way).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port found between 20000 and 32000');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Callport listening on a real port plus an in-process Zoom emulator with Callport's app registered
 * (webhooks delivered over HTTP), and an organisation whose admin is signed in.
 */
export async function startZoomTestBed(
  options: {
    /**
     * `sandbox` (default): Acme SAS and its weeks of recordings, which each linked user's first import
     * brings. `empty`: an account with its owner and no recordings, plus `zoomUsers` (licensed, active),
     * for tests that count exactly the calls they record.
     */
    scenario?: 'sandbox' | 'empty';
    zoomUsers?: Array<{ email: string; firstName: string; lastName: string }>;
    roles?: Array<'web' | 'worker'>;
    env?: Record<string, string>;
    startClock?: Date;
    /** Share a database with other processes (multi-process tests); default: a fresh one. */
    database?: Database;
    /** The scopes of Callport's Zoom app; default: the required and the optional ones. */
    scopes?: string[];
  } = {},
): Promise<ZoomTestBed> {
  const port = await freePort();
  const callportUrl = `http://127.0.0.1:${port}`;
  const credentials = {
    clientId: `test-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(16).toString('hex'),
    webhookSecretToken: randomBytes(16).toString('hex'),
  };
  const redirectUri = `${callportUrl}/api/integrations/zoom/callback`;
  // Every REST request Callport makes to Zoom, checked against Zoom's specs when the bed stops.
  const callportRequests: RequestLogEntry[] = [];
  const emulator = await startEmulator({
    onRequest: (entry) => {
      if (entry.clientId === credentials.clientId && entry.route.startsWith('/v2/'))
        callportRequests.push(entry);
    },
    port: 0,
    scenario: options.scenario ?? 'sandbox',
    seed: 1,
    ...(options.startClock ? { startClock: options.startClock } : {}),
    apps: [
      {
        type: 'general',
        ...credentials,
        redirectUris: [redirectUri],
        // The report scope lets coverage's reconciliation pass read Zoom's meeting reports (README).
        scopes: options.scopes ?? [...requiredScopes, ...optionalScopes],
        webhookUrl: `${callportUrl}/webhooks/zoom`,
      },
    ],
  });
  for (const user of options.zoomUsers ?? []) emulator.control.createUser(user);
  const zoomApp: ZoomAppConfig = {
    type: 'general',
    ...credentials,
    oauthUrl: emulator.oauthUrl,
    apiUrl: emulator.apiUrl,
    redirectUri,
  };
  const app = await startTestApp({
    roles: options.roles ?? ['web', 'worker'],
    zoomApp,
    listen: true,
    ...(options.database ? { database: options.database } : {}),
    env: { PORT: String(port), PUBLIC_URL: callportUrl, ...options.env },
  }).catch(async (error: unknown) => {
    await emulator.close();
    throw error;
  });
  const { organizationId, admin } = await app.createOrganization('Acme SAS');

  const callbackUrls: string[] = [];
  const connect = async (
    connectOptions: { zoomUserId?: string; decision?: 'allow' | 'deny'; admin?: TestClient } = {},
  ) => {
    const browser = connectOptions.admin ?? admin;
    const start = await browser.request('GET', '/api/integrations/zoom/connect');
    if (start.statusCode !== 302)
      throw new Error(`connect did not redirect: ${start.statusCode} ${start.body}`);
    const authorizeUrl = new URL(String(start.headers.location));
    const form = new URLSearchParams(authorizeUrl.searchParams);
    form.set('decision', connectOptions.decision ?? 'allow');
    if (connectOptions.zoomUserId) form.set('user_id', connectOptions.zoomUserId);
    const consent = await fetch(new URL('/oauth/authorize', emulator.oauthUrl), {
      method: 'POST',
      body: form,
      redirect: 'manual',
    });
    const back = new URL(String(consent.headers.get('location')));
    callbackUrls.push(back.toString());
    const callback = await browser.request('GET', `${back.pathname}${back.search}`);
    return String(callback.headers.location);
  };

  const linkZoomUsers = async () => {
    const sync = await admin.request('POST', '/api/integrations/zoom/users/sync');
    if (sync.statusCode >= 300) throw new Error(`user sync failed: ${sync.statusCode} ${sync.body}`);
    const { proposals } = (
      await admin.request('POST', '/api/integrations/zoom/users/auto-associate')
    ).json() as { proposals: object[] };
    // Sauvegarder saves the whole table: the links already there and the proposals.
    const { users } = (await admin.request('GET', '/api/integrations/zoom/users')).json() as {
      users: Array<{ id: string; link: { zoomUserId: string; method: string } | null }>;
    };
    const kept = users.flatMap((user) =>
      user.link ? [{ userId: user.id, zoomUserId: user.link.zoomUserId, method: user.link.method }] : [],
    );
    const save = await admin.request('PUT', '/api/integrations/zoom/users/links', {
      links: [...kept, ...proposals.map((proposal) => ({ ...proposal, method: 'automatic' }))],
    });
    if (save.statusCode >= 300) throw new Error(`saving links failed: ${save.statusCode} ${save.body}`);
  };

  const followGuide = async (people: Array<{ email: string; name: string }>) => {
    for (const person of people) {
      const added = await admin.request('POST', '/api/users', person);
      if (added.statusCode >= 300) throw new Error(`adding ${person.email} failed: ${added.statusCode}`);
    }
    await connect();
    await linkZoomUsers();
  };

  type ImportsOverview = { lastSweep: { finishedAt: string | null } | null; counts: Record<string, number> };
  const importsOverview = async () =>
    (await admin.request('GET', '/api/integrations/zoom/imports')).json() as ImportsOverview;
  const isImporting = (overview: ImportsOverview) =>
    ['discovered', 'importing'].some((status) => (overview.counts[status] ?? 0) > 0);

  const sweepNow = async () => {
    const before = (await importsOverview()).lastSweep?.finishedAt ?? null;
    const sweep = await admin.request('POST', '/api/integrations/zoom/imports/sweep');
    if (sweep.statusCode !== 202) throw new Error(`sweep refused: ${sweep.statusCode} ${sweep.body}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const overview = await importsOverview();
      const finishedAt = overview.lastSweep?.finishedAt ?? null;
      if (finishedAt && finishedAt !== before && !isImporting(overview)) return;
      if (Date.now() > deadline) throw new Error('the sweep did not finish within 60 s');
      await sleep(200);
    }
  };

  const waitForFirstImports = async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { users } = (await admin.request('GET', '/api/integrations/zoom/users')).json() as {
        users: Array<{
          link: object | null;
          isActive: boolean;
          isLicensed: boolean;
          import: { sweptAt: string | null } | null;
        }>;
      };
      const overview = await importsOverview();
      const listed = users
        .filter((user) => user.link && user.isActive && user.isLicensed)
        .every((user) => user.import?.sweptAt);
      if (listed && overview.lastSweep?.finishedAt && !isImporting(overview)) return;
      if (Date.now() > deadline) throw new Error('the first imports did not finish within 60 s');
      await sleep(200);
    }
  };

  return {
    app,
    emulator,
    zoomApp,
    callportUrl,
    zoomAppEnv: {
      PUBLIC_URL: callportUrl,
      ZOOM_CLIENT_ID: zoomApp.clientId,
      ZOOM_CLIENT_SECRET: zoomApp.clientSecret,
      ZOOM_WEBHOOK_SECRET_TOKEN: zoomApp.webhookSecretToken!,
      ZOOM_OAUTH_URL: zoomApp.oauthUrl,
      ZOOM_API_URL: zoomApp.apiUrl,
    },
    organizationId,
    admin,
    connect,
    callbackUrls,
    linkZoomUsers,
    followGuide,
    waitForFirstImports,
    sweepNow,
    recordEverythingToCloud: () => {
      emulator.control.updateAccountSettings({
        recording: { cloud_recording: true, auto_recording: 'cloud', recording_audio_transcript: true },
      });
    },
    recordMeeting: async (meetingOptions) => {
      const meeting = emulator.control.simulateMeeting({
        durationMinutes: 1,
        processingSeconds: 1,
        transcriptSeconds: 1,
        ...meetingOptions,
      });
      await emulator.control.advanceClock(5);
      await emulator.control.flushWebhooks();
      return meeting;
    },
    callportRequests: () => [...callportRequests],
    stop: async () => {
      await app.stop();
      await emulator.close();
      const errors = requestContractErrors(callportRequests);
      if (errors.length > 0)
        throw new Error(`Callport sent Zoom requests its specs do not allow:\n${errors.join('\n')}`);
    },
  };
}

/**
 * The topics, sorted, of the completed cloud recordings (not in the trash) that Zoom holds and `isWanted`
 * keeps (by host, say): what Callport's import of those hosts must bring, no more.
 */
export async function completedRecordingTopics(
  emulator: ZoomEmulator,
  isWanted: (recording: RecordingInfo) => boolean,
): Promise<string[]> {
  const topics: string[] = [];
  for (const meeting of emulator.control.listMeetings()) {
    const recording = await emulator.control.getRecording(meeting.uuid);
    if (recording?.status === 'completed' && recording.location === 'active' && isWanted(recording))
      topics.push(recording.topic);
  }
  return topics.sort();
}

/**
 * Someone at Acme, the emulator's sandbox company, named `First Last`: their e-mail is
 * first.last@acme.example (accents dropped), as Zoom and Callport both know them.
 */
export function acmePerson(name: string): {
  name: string;
  email: string;
  firstName: string;
  lastName: string;
} {
  const [firstName = name, ...lastNames] = name.split(' ');
  const local = name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replaceAll(' ', '.');
  return { name, email: `${local}@acme.example`, firstName, lastName: lastNames.join(' ') };
}

/**
 * `startZoomTestBed(options)`, then the guide's first steps for `people`: the admin adds them, connects
 * Zoom and links their Zoom users.
 */
export async function startGuideBed(
  people: Array<{ email: string; name: string }>,
  options?: Parameters<typeof startZoomTestBed>[0],
): Promise<ZoomTestBed> {
  const bed = await startZoomTestBed(options);
  try {
    await bed.followGuide(people);
    return bed;
  } catch (error) {
    await bed.stop();
    throw error;
  }
}

type RecordMeetingOptions = Parameters<ZoomTestBed['recordMeeting']>[0];

/**
 * A meeting of a host with AI Companion's meeting summaries on, which ended two hours ago: Zoom has
 * written its `summary` by the time Callport imports the call.
 */
export function recordSummarisedMeeting(
  bed: ZoomTestBed,
  hostEmail: string,
  topic: string,
  summary: NonNullable<RecordMeetingOptions['summary']>,
  more: Omit<RecordMeetingOptions, 'hostEmail' | 'topic' | 'summary' | 'startTime'> = {},
): Promise<SimulatedMeeting> {
  return bed.recordMeeting({
    hostEmail,
    topic,
    startTime: new Date(Date.now() - 2 * 3600_000),
    summary,
    ...more,
  });
}

/**
 * A Zoom account with no past recordings whose licensed users are `zoomUsers`: `addUsers` makes their
 * Callport users, then the admin connects Zoom and links them, their first imports (which bring
 * nothing) finish, and the account records every meeting to the cloud with its transcript. The
 * library then holds exactly the calls a test records.
 */
export async function startEmptyAccountBed(options: {
  zoomUsers: Array<{ email: string; firstName: string; lastName: string }>;
  addUsers(bed: ZoomTestBed): Promise<void>;
  env?: Record<string, string>;
  scopes?: string[];
}): Promise<ZoomTestBed> {
  const bed = await startZoomTestBed({
    scenario: 'empty',
    zoomUsers: options.zoomUsers,
    ...(options.env ? { env: options.env } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
  });
  try {
    await options.addUsers(bed);
    await bed.connect();
    await bed.linkZoomUsers();
    await bed.waitForFirstImports();
    bed.recordEverythingToCloud();
    return bed;
  } catch (error) {
    await bed.stop();
    throw error;
  }
}
