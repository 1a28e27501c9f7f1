import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/index.ts';
import { createTestDatabase } from '../test-support/database.ts';
import { launchNodeFlags, spawnCallport, startingLineOf as startingLine } from '../test-support/processes.ts';
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
    for (const child of processes) {
      expect(child.output()).toContain('shutting down');
      // How the process was launched and what bin/callport.js set before loading the server (on
      // PostgreSQL, V8's own heap growth), as its log says.
      expect(startingLine(child.output())).toMatchObject({
        nodeFlags: launchNodeFlags,
        v8Flags: ['--no-liftoff'],
      });
    }
  }, 600_000);
});

// bin/callport.js runs the compiled server (dist/server, built by `npm test` and `npm start`) when it
// is current, and the sources through tsx when asked or when a source file is newer.
describe('bin/callport.js', () => {
  const compiled = fileURLToPath(new URL('../../dist/server/cli.js', import.meta.url));
  const compiledBuilt = existsSync(compiled);

  async function started(extraEnv: Record<string, string>) {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-bin-'));
    try {
      const worker = await spawnCallport('worker', {
        CALLPORT_DATA_DIR: dataDir,
        CALLPORT_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ZOOM_CLIENT_ID: 'bin-test',
        ZOOM_CLIENT_SECRET: 'bin-test-secret',
        ZOOM_WEBHOOK_SECRET_TOKEN: 'bin-test-webhook',
        ...extraEnv,
      });
      expect(await worker.kill('SIGTERM')).toBe(0);
      return startingLine(worker.output());
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }

  it('is launched with the same Node flags everywhere a server starts', () => {
    const read = (file: string) =>
      readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), 'utf8');
    const flags = launchNodeFlags.join(' ');
    const launches = {
      shebang: read('bin/callport.js').split('\n')[0],
      'npm start': (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start,
      Dockerfile: /^ENTRYPOINT (.*)$/m.exec(read('deploy/Dockerfile'))?.[1],
      'web unit': /^ExecStart=(.*)$/m.exec(read('deploy/callport-web@.service'))?.[1],
      'worker unit': /^ExecStart=(.*)$/m.exec(read('deploy/callport-worker@.service'))?.[1],
    };
    expect(launches).toEqual({
      shebang: `#!/usr/bin/env -S node ${flags}`,
      'npm start': `npm run build --silent && node ${flags} bin/callport.js start`,
      Dockerfile: JSON.stringify(['node', ...launchNodeFlags, 'bin/callport.js']).replaceAll(',', ', '),
      'web unit': `/usr/bin/node ${flags} bin/callport.js web`,
      'worker unit': `/bin/sh -c 'METRICS_PORT=$((9463 + %i)) exec /usr/bin/node ${flags} bin/callport.js worker'`,
    });
  });

  it('runs the sources through tsx when CALLPORT_FROM_SOURCE=1', async () => {
    const starting = await started({ CALLPORT_FROM_SOURCE: '1' });
    expect(starting.runtime).toBe('sources');
    // PGlite's WebAssembly is compiled once, optimised, and the old generation is collected sooner
    // (bin/callport.js, embedded only), and the log says so.
    expect(starting.v8Flags).toEqual(['--no-liftoff', '--heap-growing-percent=50']);
    expect(starting.nodeFlags).toEqual(launchNodeFlags);
  });

  it.skipIf(!compiledBuilt)('runs the compiled server when it is current, else the sources', async () => {
    const builtAt = statSync(fileURLToPath(new URL('../../dist/server/.built', import.meta.url))).mtimeMs;
    const src = fileURLToPath(new URL('../', import.meta.url));
    const newerSource = readdirSync(src, { recursive: true, withFileTypes: true }).some(
      (entry) =>
        entry.isFile() &&
        entry.name.endsWith('.ts') &&
        !entry.name.endsWith('.test.ts') &&
        !entry.parentPath.startsWith(path.join(src, 'web')) &&
        statSync(path.join(entry.parentPath, entry.name)).mtimeMs > builtAt,
    );
    expect((await started({})).runtime).toBe(newerSource ? 'sources' : 'compiled');
  });
});
