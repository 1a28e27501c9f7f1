import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../src/test-support/zoom.ts';

const run = promisify(execFile);

export type ThrowawayPostgres = {
  url: string;
  port: number;
  version: string;
  /** `pg_ctl restart -m fast` (or stop, wait `downtimeMs`, start); returns when it accepts connections again. */
  restart(downtimeMs?: number): Promise<{ downMs: number }>;
  /** Stops the cluster (immediate) and deletes its folder; safe to call twice. */
  destroy(): Promise<void>;
  logTail(lines?: number): Promise<string>;
};

/** The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<version>/bin), or PG_BIN. */
async function findBinaries(): Promise<{ bin: string; version: string }> {
  if (process.env.PG_BIN)
    return { bin: process.env.PG_BIN, version: path.basename(path.dirname(process.env.PG_BIN)) };
  const root = '/usr/lib/postgresql';
  const versions = (await fs.readdir(root).catch(() => [] as string[]))
    .filter((version) => existsSync(path.join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0])
    throw new Error(
      'No PostgreSQL server binaries found in /usr/lib/postgresql/*/bin (apt-get install postgresql), or set PG_BIN',
    );
  return { bin: path.join(root, versions[0], 'bin'), version: versions[0] };
}

/**
 * A private PostgreSQL cluster for the soak, on a free loopback port, in a temporary folder: never the
 * machine's shared server. PostgreSQL refuses to run as root, so as root it runs as the `postgres` user.
 * fsync is off: the cluster is thrown away, and restarts are clean (`-m fast` checkpoints).
 */
export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const { bin, version } = await findBinaries();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'callport-soak-pg-'));
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number((await run('id', ['-u', 'postgres'])).stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    await fs.chown(dir, uid, gid);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { timeout: 120_000 })
      : run(path.join(bin, tool), args, { timeout: 120_000 });

  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    if (existsSync(path.join(dataDir, 'postmaster.pid'))) {
      await pg('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', '-t', '30', 'stop']).catch(async () => {
        // pg_ctl failed (e.g. Ctrl-C reached it): kill the postmaster by the pid it wrote.
        const pid = Number((await fs.readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
        if (pid > 0) process.kill(pid, 'SIGQUIT');
      });
    }
    await fs.rm(dir, { recursive: true, force: true });
  };

  try {
    await pg('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    const port = await freePort();
    const serverOptions = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    await pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
    await pg('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'callport']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/callport`,
      port,
      version,
      async restart(downtimeMs = 0) {
        const started = Date.now();
        if (downtimeMs > 0) {
          await pg('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '60', 'stop']);
          await new Promise((resolve) => setTimeout(resolve, downtimeMs));
          await pg('pg_ctl', ['-D', dataDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60', 'start']);
        } else {
          await pg('pg_ctl', [
            '-D',
            dataDir,
            '-l',
            logFile,
            '-o',
            serverOptions,
            '-m',
            'fast',
            '-w',
            '-t',
            '60',
            'restart',
          ]);
        }
        return { downMs: Date.now() - started };
      },
      destroy,
      async logTail(lines = 40) {
        const text = await fs.readFile(logFile, 'utf8').catch(() => '');
        return text.split('\n').slice(-lines).join('\n');
      },
    };
  } catch (error) {
    await destroy().catch(() => {});
    throw error;
  }
}
