import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CallportProcess, runCallportCommand, spawnCallport } from './test-support/processes.ts';
import { freePort } from './test-support/zoom.ts';

// The embedded database belongs to one process: a command run beside a running `callport start` says
// so at once instead of printing a password the server never sees (or corrupting the data folder).
const admin = 'camille.martin@acme.example';

let dataDir: string | undefined;
let server: CallportProcess | undefined;
afterAll(async () => {
  await server?.kill('SIGKILL');
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('commands beside a running embedded server', () => {
  it('refuses reset-password while the server holds the data folder, then sets a password that works', async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-embedded-'));
    const env = {
      CALLPORT_DATA_DIR: dataDir,
      PORT: String(await freePort()),
      SANDBOX_EMULATOR_PORT: String(await freePort()),
    };
    server = await spawnCallport('start', env, { readyTimeoutMs: 120_000 });
    const cli = (args: string[]) => runCallportCommand(args, env);

    const refused = await cli(['users', 'reset-password', '--email', admin]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`in use by Callport (process ${server.child.pid})`);
    expect(refused.stderr).toContain('Stop that process');
    expect(refused.stdout).not.toMatch(/password/i);

    expect(await server.kill('SIGTERM')).toBe(0);
    // A server killed without a clean stop leaves its lock behind: the next command takes it over.
    server = await spawnCallport('start', env, { readyTimeoutMs: 120_000 });
    await server.kill('SIGKILL');
    server = undefined;
    const reset = await cli(['users', 'reset-password', '--email', admin]);
    expect(reset.code).toBe(0);
    const password = /password[^:]*:\s*(\S+)/i.exec(reset.stdout)?.[1];
    expect(password).toBeTruthy();

    server = await spawnCallport('start', env, { readyTimeoutMs: 120_000 });
    const signIn = await fetch(`http://127.0.0.1:${env.PORT}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: admin, password }),
    });
    expect(signIn.status).toBe(200);
  }, 600_000);
});
