import fs from 'node:fs/promises';
import path from 'node:path';
import type { Role } from '../../src/main.ts';
import { type CallportProcess, spawnCallport } from '../../src/test-support/processes.ts';
import { freePort } from '../../src/test-support/zoom.ts';
import { sleep } from './random.ts';

export type Member = {
  id: string;
  role: Role;
  /** PORT of a web process, METRICS_PORT of a worker (both serve /readyz). */
  port: number;
  process: CallportProcess;
  startedAt: number;
  /** Set before the soak stops it on purpose; an exit without it is a crash. */
  expectedExit: boolean;
};

export type ExitRecord = {
  id: string;
  role: Role;
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  expected: boolean;
  /** The end of what the process printed (for crashes). */
  tail: string;
  /** Error and fatal log lines the process wrote. */
  errors: string[];
};

/** Error (50) and fatal (60) lines of a pino log, shortened to their message and error. */
function errorLines(output: string): string[] {
  const lines: string[] = [];
  for (const line of output.split('\n')) {
    if (!/"level":(50|60)/.test(line)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      lines.push(`${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}`.slice(0, 300));
    } catch {
      lines.push(line.slice(0, 300));
    }
  }
  return lines;
}

/**
 * The `callport web` and `callport worker` child processes of the soak. Processes that exit without
 * being asked to are recorded as crashes and replaced (a web process on the same port, since the load
 * balancer targets fixed ports), as a process manager would.
 */
export class Fleet {
  readonly members: Member[] = [];
  readonly exits: ExitRecord[] = [];
  readonly spawnFailures: Array<{ role: Role; error: string }> = [];
  #counter = { web: 0, worker: 0 };
  #stopping = false;
  readonly #pending = new Set<Promise<unknown>>();
  readonly #exitHandlers = new Set<Promise<unknown>>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly log: (message: string) => void,
    private readonly logDir?: string,
  ) {}

  get unexpectedExits(): ExitRecord[] {
    return this.exits.filter((exit) => !exit.expected);
  }

  /** Error log lines of every process so far (exited and running), by role. */
  errorLog(): Record<Role, string[]> {
    const log: Record<Role, string[]> = { web: [], worker: [] };
    for (const exit of this.exits) log[exit.role].push(...exit.errors);
    for (const member of this.members) log[member.role].push(...errorLines(member.process.output()));
    return log;
  }

  byRole(role: Role): Member[] {
    return this.members.filter((member) => member.role === role);
  }

  /** Starts one process and waits until it is ready; retries a start that fails (e.g. database down). */
  async start(role: Role, port?: number): Promise<Member> {
    const id = `${role}-${++this.#counter[role]}`;
    const listenPort = port ?? (await freePort());
    const env = { ...this.env, [role === 'web' ? 'PORT' : 'METRICS_PORT']: String(listenPort) };
    for (let attempt = 1; ; attempt++) {
      try {
        const child = await spawnCallport(role, env, { readyTimeoutMs: 120_000 });
        const member: Member = {
          id,
          role,
          port: listenPort,
          process: child,
          startedAt: Date.now(),
          expectedExit: false,
        };
        this.members.push(member);
        const handled = child.exited.then(() => this.#onExit(member));
        this.#exitHandlers.add(handled);
        return member;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.spawnFailures.push({ role, error: message.slice(0, 2000) });
        this.log(`! ${id} failed to start (attempt ${attempt}): ${message.split('\n')[0]}`);
        if (attempt >= 5 || this.#stopping) throw error;
        await sleep(2000 * attempt);
      }
    }
  }

  /** Sends `signal` and waits for the exit; a SIGTERM not honoured within `timeoutMs` becomes a SIGKILL. */
  async kill(
    member: Member,
    signal: NodeJS.Signals,
    timeoutMs = 45_000,
  ): Promise<{ exitMs: number; escalated: boolean; code: number | null }> {
    member.expectedExit = true;
    const started = Date.now();
    const { child } = member.process;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const exited = await Promise.race([
      member.process.exited.then(() => true),
      sleep(timeoutMs).then(() => false),
    ]);
    if (!exited) {
      child.kill('SIGKILL');
      await member.process.exited;
    }
    return { exitMs: Date.now() - started, escalated: !exited, code: child.exitCode };
  }

  /** Resolves when every replacement of a crashed process has started (or given up). */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  async stopAll(): Promise<void> {
    this.#stopping = true;
    await Promise.allSettled([...this.#pending]);
    await Promise.all(
      this.members.map(async (member) => {
        member.expectedExit = true;
        member.process.child.kill('SIGKILL');
        await Promise.race([member.process.exited, sleep(10_000)]);
      }),
    );
    await Promise.race([Promise.allSettled([...this.#exitHandlers]), sleep(10_000)]);
  }

  async #onExit(member: Member) {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    const { child } = member.process;
    const output = member.process.output();
    const expected = member.expectedExit || this.#stopping;
    this.exits.push({
      id: member.id,
      role: member.role,
      code: child.exitCode,
      signal: child.signalCode,
      at: Date.now(),
      expected,
      tail: output.slice(-3000),
      errors: errorLines(output),
    });
    if (this.logDir) {
      await fs.writeFile(path.join(this.logDir, `${member.id}.log`), output).catch(() => {});
    }
    if (expected) return;
    this.log(
      `! ${member.id} exited on its own (code ${child.exitCode}, signal ${child.signalCode}); starting a replacement`,
    );
    const replacement = this.start(member.role, member.role === 'web' ? member.port : undefined).catch(
      (error: unknown) => this.log(`! replacement for ${member.id} failed: ${String(error).split('\n')[0]}`),
    );
    this.#pending.add(replacement);
    void replacement.finally(() => this.#pending.delete(replacement));
  }
}
