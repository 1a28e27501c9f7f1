import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The real command line, as an admin types it: bin/callport.js in a child process, in an empty folder.
const bin = fileURLToPath(new URL('../bin/callport.js', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

let cwd: string;
let port: number;
let emulatorPort: number;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function isListening(candidate: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(candidate, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs `callport ...args` with the embedded defaults (data folder ./data in `cwd`, sandbox mode).
 * While it runs, checks whether the web or the sandbox emulator port answers: a help must open neither.
 */
async function callport(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: cwd,
      PORT: String(port),
      SANDBOX_EMULATOR_PORT: String(emulatorPort),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += String(chunk);
  });
  child.stderr.on('data', (chunk) => {
    stderr += String(chunk);
  });
  let openedPort = false;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => {
    running = false;
  });
  while (running) {
    if ((await isListening(port)) || (await isListening(emulatorPort))) {
      openedPort = true;
      child.kill('SIGKILL');
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 50))]);
  }
  return { code: await exited, stdout, stderr, openedPort };
}

const commands = [
  [],
  ['start'],
  ['web'],
  ['worker'],
  ['migrate'],
  ['emulator'],
  ['emulator', 'advance'],
  ['users'],
  ['users', 'create-admin'],
  ['users', 'create'],
  ['users', 'reset-password'],
  ['import'],
  ['keys'],
  ['keys', 'rotate'],
];

beforeAll(async () => {
  cwd = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-cli-'));
  port = await freePort();
  emulatorPort = await freePort();
});

afterAll(async () => {
  await fs.rm(cwd, { recursive: true, force: true });
});

describe('callport command line', () => {
  it.each(
    commands.flatMap((command) => [
      [command.join(' ') || '(no command)', [...command, '--help']],
      [command.join(' ') || '(no command)', [...command, '-h']],
    ]),
  )('%s answers %j with its usage, exit 0 and no side effect', async (_name, args) => {
    const result = await callport(args as string[]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage:/);
    expect(result.openedPort).toBe(false);
    expect(await fs.readdir(cwd)).toEqual([]);
  });

  it('prints the package version with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await callport([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it.each([
    [['migrate', '--yes'], '--yes', ['--help']],
    [['users', 'create', '--email', 'a@example.com', '--team', 'x'], '--team', ['--email', '--role']],
    [['import', '--since', '2026-01-01', '--all'], '--all', ['--since', '--user', '--organization']],
    [['keys', 'rotate', '--force'], '--force', ['--drop-old']],
    [['emulator', '--prot', '9090'], '--prot', ['--port', '--scenario']],
  ])('%j exits 2 naming the unknown option and the valid ones', async (args, unknown, valid) => {
    const result = await callport(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(unknown);
    for (const option of valid) expect(result.stderr).toContain(option);
    expect(await fs.readdir(cwd)).toEqual([]);
  });

  it('exits 2 on an unknown command or a missing subcommand, listing the commands', async () => {
    const unknown = await callport(['serve']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'serve'");
    expect(unknown.stderr).toContain('start');
    const missing = await callport(['users']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('reset-password');
    expect(await fs.readdir(cwd)).toEqual([]);
  });

  it('creates an admin, then a member in that organisation', async () => {
    const dataDir = path.join(cwd, 'users-data');
    const env = { CALLPORT_DATA_DIR: dataDir };
    try {
      const admin = await callport(
        ['users', 'create-admin', '--email', 'ada@example.com', '--organization', 'Acme'],
        env,
      );
      expect(admin.stderr).toBe('');
      expect(admin.code).toBe(0);
      const member = await callport(['users', 'create', '--email', 'bob@example.com', '--name', 'Bob'], env);
      expect(member.code).toBe(0);
      expect(member.stdout).toMatch(/^Member bob@example\.com created in Acme\. Password: \S{12,}/);
      const again = await callport(['users', 'create', '--email', 'BOB@example.com'], env);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');
      const elsewhere = await callport(
        ['users', 'create', '--email', 'eve@example.com', '--organization', 'Umbrella'],
        env,
      );
      expect(elsewhere.code).toBe(2);
      expect(elsewhere.stderr).toContain('No single organisation matches "Umbrella"');
      expect(elsewhere.stderr).toContain('Acme');
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
