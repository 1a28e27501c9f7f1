import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { createTestDatabase } from '../test-support/database.ts';
import { spawnCallport } from '../test-support/processes.ts';
import { freePort } from '../test-support/zoom.ts';

// Real processes, as deployed: several `callport web` and `callport worker` sharing one PostgreSQL.
const isPostgres = Boolean(process.env.DATABASE_URL);

describe.skipIf(!isPostgres)('separate web and worker processes on PostgreSQL', () => {
  let database: Database & { url?: string };
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.close());

  it('start together, serve from either web process, and stop cleanly on SIGTERM', async () => {
    const env = {
      DATABASE_URL: database.url!,
      CALLPORT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      CALLPORT_DATA_DIR: '/tmp/callport-processes-test',
      ZOOM_CLIENT_ID: 'process-test',
      ZOOM_CLIENT_SECRET: 'process-test-secret',
      ZOOM_WEBHOOK_SECRET_TOKEN: 'process-test-webhook',
    };
    const ports = [await freePort(), await freePort()];
    // One after the other: four cold starts at once on a 2-core CI machine can take minutes.
    const processes = [];
    for (const [role, port] of [['web', ports[0]], ['web', ports[1]], ['worker'], ['worker']] as const) {
      processes.push(
        await spawnCallport(role, port ? { ...env, PORT: String(port) } : env, { readyTimeoutMs: 120_000 }),
      );
    }
    for (const port of ports) {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(await response.json()).toEqual({ status: 'ready' });
    }
    const codes = await Promise.all(processes.map((child) => child.kill('SIGTERM')));
    expect(codes).toEqual([0, 0, 0, 0]);
    for (const child of processes) expect(child.output()).toContain('shutting down');
  }, 600_000);
});
