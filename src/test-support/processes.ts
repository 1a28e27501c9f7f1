import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../bin/callport.js', import.meta.url));

/**
 * The Node flags every launch of a Callport server passes (bin/callport.js's first line, `npm start`,
 * deploy/'s Dockerfile and systemd units; processes.test.ts checks they agree): processes started here
 * run as deployed.
 */
export const launchNodeFlags = ['--max-semi-space-size=8'];

export type CallportProcess = {
  role: 'web' | 'worker' | 'start';
  child: ChildProcess;
  /** Everything the process printed (stdout and stderr). */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
};

/**
 * Runs `callport <role>` as a real child process (multi-process and crash tests). The environment is
 * the whole configuration, as in production: DATABASE_URL, ZOOM_* pointing at an emulator, PORT…
 * For `web`, resolves once /readyz answers; for `worker`, once the process logs that it works.
 */
export async function spawnCallport(
  role: 'web' | 'worker' | 'start',
  env: Record<string, string>,
  options: { readyTimeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<CallportProcess> {
  const child = spawn(process.execPath, [...launchNodeFlags, ...(options.nodeArgs ?? []), bin, role], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const handle: CallportProcess = {
    role,
    child,
    output: () => output,
    exited,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`callport ${role} exited early (${child.exitCode}):\n${output}`);
    if (role === 'worker' ? output.includes('"msg":"worker started"') : await isReady(env)) return handle;
    if (Date.now() > deadline) {
      await handle.kill('SIGKILL');
      throw new Error(`callport ${role} did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function isReady(env: Record<string, string>): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${env.PORT ?? '3000'}/readyz`);
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Runs a one-shot command (`callport users reset-password …`, `callport import …`) as an admin types it,
 * with `env` as its whole configuration; resolves with its exit code and output, whatever the code.
 */
export async function runCallportCommand(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [...launchNodeFlags, bin, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );
}

/**
 * The "callport starting" log line of a process's output: which code bin/callport.js ran, with which
 * Node flags (its command line) and V8 flags (set by bin/callport.js).
 */
export function startingLineOf(output: string): { runtime: string; nodeFlags: string[]; v8Flags: string[] } {
  const starting = output.split('\n').find((line) => line.includes('"msg":"callport starting"'));
  if (!starting) throw new Error(`no "callport starting" line in:\n${output}`);
  return JSON.parse(starting) as { runtime: string; nodeFlags: string[]; v8Flags: string[] };
}
