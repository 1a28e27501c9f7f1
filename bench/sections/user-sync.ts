import { schema } from '../../src/db/index.ts';
import { proposeAutomaticLinks, syncZoomUsers } from '../../src/user-mapping/index.ts';
import type { Section } from '../run.ts';
import { startBenchZoom, trackPeakRss } from '../support.ts';

/** Issue 6's benchmark: sync 10,000 Zoom users and auto-associate them against 2,000 Callport users. */
const run: Section = async ({ quick }) => {
  const zoomUsers = quick ? 2_000 : 10_000;
  const callportUsers = quick ? 400 : 2_000;
  const bench = await startBenchZoom();
  try {
    bench.emulator.control.setRateLimits({ enabled: false });
    for (let i = 0; i < zoomUsers; i++) {
      bench.emulator.control.createUser({
        email: `User${i}@Bench.test`,
        firstName: 'User',
        lastName: String(i),
      });
    }
    const rows = Array.from({ length: callportUsers }, (_, i) => ({
      organizationId: bench.organizationId,
      email: ` user${i * 5}@bench.test`.trim(),
      name: `User ${i * 5}`,
    }));
    for (let start = 0; start < rows.length; start += 500) {
      await bench.database.db.insert(schema.users).values(rows.slice(start, start + 500));
    }
    const memory = trackPeakRss();
    const syncStarted = performance.now();
    const { synced } = await syncZoomUsers(bench.database.db, bench.connectionId, bench.client);
    const syncSeconds = (performance.now() - syncStarted) / 1000;
    const associateStarted = performance.now();
    const proposals = await proposeAutomaticLinks(
      bench.database.db,
      bench.organizationId,
      bench.connectionId,
    );
    const associateSeconds = (performance.now() - associateStarted) / 1000;
    const peakMb = memory.stop();
    return {
      title: `Sync ${synced} Zoom users, auto-associate ${callportUsers} Callport users (PGlite)`,
      rows: [
        {
          step: 'sync Zoom users (all pages, 3 statuses)',
          seconds: round(syncSeconds),
          result: `${Math.round(synced / syncSeconds)} users/s`,
        },
        {
          step: 'auto-associate by e-mail',
          seconds: round(associateSeconds),
          result: `${proposals.length} proposals`,
        },
      ],
      summary: {
        zoomUsers: synced,
        callportUsers,
        proposals: proposals.length,
        syncSeconds: round(syncSeconds),
        associateSeconds: round(associateSeconds),
        peakRssMb: peakMb,
      },
    };
  } finally {
    await bench.stop();
  }
};

function round(value: number) {
  return Math.round(value * 100) / 100;
}

export default run;
