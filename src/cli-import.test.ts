import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from './db/index.ts';
import { createTestDatabase } from './test-support/database.ts';
import { runCallportCommand } from './test-support/processes.ts';
import { startZoomTestBed, type ZoomTestBed } from './test-support/zoom.ts';

// `callport import --since`, run as an admin types it, on the database a Callport server used: it
// refuses at once beside that server (embedded database), and once alone it finishes, counting as done
// the recordings that will never change again (erased in Callport, trashed in Zoom) and as pending the
// sweep still listing Zoom.
const isPostgres = Boolean(process.env.DATABASE_URL);
const emma = 'emma.dubois@acme.example';
const hugo = 'hugo.thomas@acme.example';
const dayMs = 86_400_000;

let bed: ZoomTestBed | undefined;
let dataDir: string | undefined;
let database: (Database & { url?: string }) | undefined;
afterAll(async () => {
  await bed?.stop();
  await database?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('callport import --since', () => {
  it('refuses beside the running server, then finishes with erased, trashed and swept recordings counted', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-import-'));
    const encryptionKey = randomBytes(32).toString('base64');
    // The embedded database lives in the data folder, where the command looks for it.
    const serverDatabase: Database & { url?: string } = isPostgres
      ? await createTestDatabase()
      : await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    if (isPostgres) database = serverDatabase;
    bed = await startZoomTestBed({
      // PostgreSQL outlives the server (this test reads it afterwards); PGlite is closed with it.
      database: isPostgres ? { ...serverDatabase, close: async () => {} } : serverDatabase,
      env: { CALLPORT_ENCRYPTION_KEY: encryptionKey, SWEEP_INTERVAL_MINUTES: '600' },
    });
    const test = bed;
    const { control } = test.emulator;
    for (const [email, name] of [
      [emma, 'Emma Dubois'],
      [hugo, 'Hugo Thomas'],
    ])
      await test.admin.request('POST', '/api/users', { email, name });
    await test.connect();
    await test.linkZoomUsers();
    await test.waitForFirstImports();
    // By meeting UUID: an erased recording keeps nothing else, not even its topic.
    const statusOf = async (db: Database, topic: string) => {
      const uuids = control
        .listMeetings()
        .flatMap((meeting) => (meeting.topic === topic ? [meeting.uuid] : []));
      const { rows } = await db.executeSql(
        'SELECT status FROM recordings WHERE meeting_uuid = ANY($1::text[]) ORDER BY status',
        [uuids],
      );
      return rows.map((row) => String(row.status));
    };

    // Hugo asks to be erased: his two imported calls become erased recordings, never imported again.
    const erasure = await test.admin.request('POST', '/api/privacy/erasures', { email: hugo });
    expect(erasure.statusCode, erasure.body).toBeLessThan(300);
    expect(await statusOf(serverDatabase, 'Weekly pipeline review')).toEqual(['erased', 'erased']);
    // Emma's recording still processing at Zoom goes to Zoom's trash before it is done.
    const followUp = control.listMeetings().find((meeting) => meeting.topic === 'Follow-up: Globex')!;
    expect(await statusOf(serverDatabase, 'Follow-up: Globex')).toEqual(['waiting']);
    control.trashRecording(followUp.uuid);
    await control.flushWebhooks();
    await expect.poll(() => statusOf(serverDatabase, 'Follow-up: Globex')).toEqual(['trashed']);

    const since = new Date(Date.now() - 25 * dayMs).toISOString().slice(0, 10);
    const env: Record<string, string> = {
      ...(isPostgres ? { DATABASE_URL: serverDatabase.url! } : {}),
      CALLPORT_DATA_DIR: dataDir,
      CALLPORT_ENCRYPTION_KEY: encryptionKey,
      ...test.zoomAppEnv,
      SWEEP_INTERVAL_MINUTES: '600',
      LOG_LEVEL: 'warn',
    };
    const importArgs = ['import', '--since', since, '--user', emma];
    if (!isPostgres) {
      // The server holds the embedded database: the command says so at once and what to do instead.
      const refused = await runCallportCommand(importArgs, env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`in use by Callport (process ${process.pid})`);
      expect(refused.stderr).toContain('"Import now"');
      expect(refused.stderr).not.toContain('Backfill complete');
    }
    await test.app.stop();

    // Meanwhile Emma records two meetings Callport never hears of (no webhook), and Zoom answers her
    // listing slowly: the import's sweep is still listing after the command's first checks.
    control.setWebhooks({ enabled: false });
    for (const topic of ['Appel hors ligne 1', 'Appel hors ligne 2'])
      control.simulateMeeting({
        hostEmail: emma,
        topic,
        durationMinutes: 1,
        processingSeconds: 1,
        cloudRecordingManual: true,
      });
    await control.advanceClock(5);
    control.setFaults({ slowResponses: [{ endpoint: 'GET /v2/users/:userId/recordings', delayMs: 5000 }] });

    const done = await runCallportCommand(importArgs, env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Backfill complete.');
    control.resetFaults();

    database ??= await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    for (const topic of [
      'Appel hors ligne 1',
      'Appel hors ligne 2',
      'Demo: Initech',
      'Discovery call: Globex',
    ])
      expect(await statusOf(database, topic)).toEqual(['imported']);
    // Its last count is every recording since that day, all done: Emma's 4 imported, Hugo's 2 erased,
    // the trashed follow-up, and what the hosts linked to nobody recorded (skipped, waiting for a link).
    const counts = [...done.stderr.matchAll(/(\d+)\/(\d+) recordings · imported (\d+)/g)].at(-1);
    const { rows } = await database.executeSql(
      'SELECT status, count(*)::int AS n FROM recordings WHERE start_time >= $1 GROUP BY status',
      [new Date(`${since}T00:00:00Z`)],
    );
    const byStatus = Object.fromEntries(rows.map((row) => [String(row.status), Number(row.n)]));
    expect(Object.keys(byStatus).sort()).toEqual(['erased', 'imported', 'skipped', 'trashed']);
    expect(byStatus).toMatchObject({ imported: 4, erased: 2, trashed: 1 });
    const total = String(Object.values(byStatus).reduce((sum, n) => sum + n, 0));
    expect(counts?.slice(1)).toEqual([total, total, '4']);
  }, 300_000);
});
