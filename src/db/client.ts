import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { packageRoot } from '../lib/package-root.ts';
import { pgliteOptions } from './pglite-options.ts';
import * as schema from './schema.ts';

const migrationsFolder = path.join(packageRoot, 'src', 'db', 'migrations');

export type Schema = typeof schema;
/** The drizzle database, whatever the driver underneath (PGlite or node-postgres). */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** Runs one SQL text (possibly several statements when `values` is empty) and returns the rows. */
export type ExecuteSql = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

export type Database = {
  kind: 'pglite' | 'postgres';
  db: Db;
  executeSql: ExecuteSql;
  /** Applies pending migrations; safe to call from several processes at once. */
  migrate(): Promise<void>;
  /** PGlite only: a tarball of the data folder (test templates, backups). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
};

export type DatabaseOptions =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** A pooled connection lost (server restart, network); default: written to stderr. */
      onConnectionError?: (error: Error) => void;
    }
  | { kind: 'pglite'; dataDir?: string; loadDataDir?: Blob };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.kind === 'postgres'
    ? openPostgres(options.url, options.poolSize ?? 10, options.onConnectionError ?? logConnectionError)
    : openPglite(options);
}

function logConnectionError(error: Error): void {
  console.error('database connection lost:', error.message);
}

async function openPostgres(
  url: string,
  poolSize: number,
  onConnectionError: (error: Error) => void,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection (server restart) must not crash the process: it is reported,
  // and the pool replaces it.
  pool.on('error', onConnectionError);
  // Nor a checked-out one (a transaction between two statements): its pending and next queries fail
  // instead (their callers see that error), and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', onConnectionError));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    executeSql: async (text, values) => {
      const result = await pool.query(text, values);
      return { rows: flattenRows(result) };
    },
    migrate: async () => {
      // Several processes may start together: the advisory lock lets one migrate while the others wait.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(4242001)');
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        // A lost connection ends its session, and with it the session's advisory lock: nothing to undo.
        await client.query('SELECT pg_advisory_unlock(4242001)').catch(() => {});
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Another live process has the embedded database open: PGlite is single-process, a second opener would corrupt it. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by Callport (process ${pid}). ` +
        'Stop that process (Ctrl+C where `npm start` runs), then run this command again; ' +
        'while it runs, import with Settings > Integrations > Zoom > Imports > "Import now" instead.',
    );
  }
}

/**
 * Takes `<dataDir>.lock` (this process's pid) for as long as the database is open. A lock whose
 * process is gone (killed, crashed) is taken over; one held by a live process refuses at once.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = `${dataDir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(file, String(process.pid), { flag: 'wx' });
      return () => fs.rm(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid))
        throw new DatabaseInUseError(dataDir, pid);
      await fs.rm(file, { force: true });
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function openPglite(options: { dataDir?: string; loadDataDir?: Blob }): Promise<Database> {
  if (options.dataDir) await fs.mkdir(path.dirname(options.dataDir), { recursive: true });
  const unlock = options.dataDir ? await lockDataDir(options.dataDir) : async () => {};
  let client: PGlite;
  try {
    if (options.dataDir && !options.loadDataDir && !existsSync(path.join(options.dataDir, 'PG_VERSION')))
      await createDataDirApart(options.dataDir);
    client = await PGlite.create({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
      ...pgliteOptions(),
    });
  } catch (error) {
    await unlock();
    throw error;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  let isClosed = false;
  return {
    kind: 'pglite',
    db,
    executeSql: (text, values) => executePglite(client, text, values),
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    dumpDataDir: async () => (await client.dumpDataDir('gzip')) as Blob,
    close: async () => {
      if (isClosed) return;
      isClosed = true;
      await client.close();
      await unlock();
    },
  };
}

/**
 * Creates a new data folder in a child process that exits when it is done. PGlite creates one by running
 * initdb in a second PGlite instance and a third WebAssembly module, which peaks at 730-840 MB; WebAssembly
 * memory is never given back, so a server that created its own folder kept most of that for its life.
 * Opening the folder afterwards costs what opening any existing folder costs.
 */
async function createDataDirApart(dataDir: string): Promise<void> {
  const here = fileURLToPath(import.meta.url);
  const script = path.join(path.dirname(here), `create-pglite-data-dir${path.extname(here)}`);
  // From the sources (tsx, vitest) the script is TypeScript too, run through the same loader.
  const args = here.endsWith('.ts') ? [path.join(packageRoot, 'bin', 'run-ts.js'), script] : [script];
  try {
    await promisify(execFile)(process.execPath, [...args, dataDir], { maxBuffer: 16 * 2 ** 20 });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(`could not create the embedded database in ${dataDir}: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

/**
 * PGlite answers a parameterless multi-statement text through `exec` with one result per statement;
 * pg-boss expects node-postgres's shape, so rows are flattened. A failed block leaves PGlite's single
 * connection inside an aborted transaction: roll it back so the next caller starts clean.
 */
async function executePglite(client: PGlite, text: string, values?: unknown[]) {
  if (values && values.length > 0) {
    const result = await client.query<Record<string, unknown>>(text, values);
    return { rows: result.rows };
  }
  try {
    const results = await client.exec(text);
    return { rows: results.flatMap((result) => result.rows as Record<string, unknown>[]) };
  } catch (error) {
    // ROLLBACK outside a transaction only warns: it fails only if PGlite itself has, and then the
    // block's own error is the one to report.
    await client.exec('ROLLBACK').catch(() => {});
    throw error;
  }
}

function flattenRows(result: pg.QueryResult | pg.QueryResult[]): Record<string, unknown>[] {
  return Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows;
}

export { schema };
