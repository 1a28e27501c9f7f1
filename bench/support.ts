import { randomBytes } from 'node:crypto';
import { openDatabase, schema } from '../src/db/index.ts';
import { createLocalRateBudget, ZoomClient } from '../src/zoom/index.ts';
import { startEmulator } from '../src/zoom-emulator/index.ts';

/** Samples the process's resident memory until stopped; returns the peak in MB. */
export function trackPeakRss(intervalMs = 25) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round((Math.max(peak, process.memoryUsage().rss) / 2 ** 20) * 10) / 10;
    },
  };
}

/** An emulator with Callport's app installed, a migrated in-memory database and a Zoom client on a real token. */
export async function startBenchZoom(options: { scenario?: 'sandbox' | 'empty' } = {}) {
  const clientId = `bench-${randomBytes(4).toString('hex')}`;
  const emulator = await startEmulator({
    port: 0,
    scenario: options.scenario ?? 'empty',
    apps: [
      {
        type: 'general',
        clientId,
        clientSecret: randomBytes(16).toString('hex'),
        redirectUris: ['http://127.0.0.1/callback'],
        scopes: [
          'user:read:admin',
          'recording:read:admin',
          'meeting:read:admin',
          'account:read:admin',
          'group:read:admin',
        ],
        webhookSecretToken: randomBytes(16).toString('hex'),
      },
    ],
  });
  const tokens = emulator.control.installApp(clientId);
  const client = new ZoomClient({
    apiUrl: emulator.apiUrl,
    accountKey: 'bench',
    rateBudget: createLocalRateBudget(),
    tokens: { getAccessToken: async () => tokens.access_token, renew: async () => tokens.access_token },
  });
  const database = await openDatabase({ kind: 'pglite' });
  await database.migrate();
  const [organization] = await database.db.insert(schema.organizations).values({ name: 'Bench' }).returning();
  const [connection] = await database.db
    .insert(schema.zoomConnections)
    .values({
      organizationId: organization!.id,
      appType: 'general',
      status: 'connected',
      zoomAccountId: emulator.control.account().id,
      zoomUserId: 'owner',
      zoomUserEmail: 'owner@bench.test',
    })
    .returning();
  return {
    emulator,
    client,
    accessToken: tokens.access_token,
    database,
    organizationId: organization!.id,
    connectionId: connection!.id,
    stop: async () => {
      await database.close();
      await emulator.close();
    },
  };
}
