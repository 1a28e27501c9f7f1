import fs from 'node:fs/promises';
import type { Database } from '../src/db/index.ts';
import { cpuSecondsOf } from './support.ts';

/** Busy and total jiffies of the whole machine (all cores, every process), from /proc/stat. */
export async function machineJiffies(): Promise<{ busy: number; total: number }> {
  const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  // idle + iowait are the idle columns.
  return { busy: total - (values[3] ?? 0) - (values[4] ?? 0), total };
}

/**
 * CPU used by the PostgreSQL backends serving one database, from /proc (the server runs on this
 * machine). Backends are listed every `intervalMs`; one that exits between two samples loses its
 * last interval, so the figure is a slight underestimate.
 */
export function samplePostgresCpu(database: Database, databaseName: string, intervalMs = 500) {
  const baseline = new Map<number, number>();
  const latest = new Map<number, number>();
  let isFirst = true;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const sample = async () => {
    const { rows } = await database.executeSql('SELECT pid FROM pg_stat_activity WHERE datname = $1', [
      databaseName,
    ]);
    for (const row of rows) {
      const pid = Number(row.pid);
      const cpu = await cpuSecondsOf(pid);
      if (cpu === undefined) continue;
      // Backends alive at the start count from their CPU then; later ones were born during the run.
      if (!baseline.has(pid)) baseline.set(pid, isFirst ? cpu : 0);
      latest.set(pid, cpu);
    }
    isFirst = false;
  };
  const start = sample();
  const timer = setInterval(() => {
    running = running.then(sample).catch(() => {});
  }, intervalMs);
  return {
    started: start,
    /** The CPU seconds so far; the first call stops the sampling (later calls repeat the figure). */
    stop: async (): Promise<number> => {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        await running;
        await sample().catch(() => {});
      }
      let total = 0;
      for (const [pid, cpu] of latest) total += cpu - (baseline.get(pid) ?? 0);
      return total;
    },
  };
}

/**
 * `connections` organisations, each with `zoomUsers.length` licensed Callport users linked to the
 * given Zoom users and one connected Zoom connection (its own fake Zoom account id, the shared sealed
 * token set), written with a handful of set-based INSERTs. Every connection gets a finished sweep a
 * minute ago, so the every-minute dispatch finds none due during the measurement and the first
 * measured sweep looks back from there (the overlap), as in steady state.
 */
export async function seedConnections(
  database: Database,
  options: {
    connections: number;
    zoomUsers: Array<{ id: string; email: string }>;
    owner: { id: string; email: string };
    scopes: string[];
    accessTokenSealed: string;
    refreshTokenSealed: string;
    tokenExpiresAt: Date;
  },
): Promise<string[]> {
  const sql = database.executeSql;
  const ids = options.zoomUsers.map((user) => user.id);
  const emails = options.zoomUsers.map((user) => user.email);
  await sql(
    `INSERT INTO organizations (name)
     SELECT format('Scale bench %s', lpad(i::text, 5, '0')) FROM generate_series(1, $1::int) AS i`,
    [options.connections],
  );
  await sql(
    `INSERT INTO users (organization_id, email, name, role)
     SELECT o.id, format('seller%s.%s@scale.bench.test', j, replace(o.id::text, '-', '')), format('Seller %s', j), 'member'
     FROM organizations o CROSS JOIN generate_series(1, $1::int) AS j`,
    [options.zoomUsers.length],
  );
  await sql(
    `INSERT INTO zoom_connections (organization_id, app_type, status, zoom_account_id, zoom_user_id,
       zoom_user_email, scopes, access_token_sealed, refresh_token_sealed, token_expires_at, token_refreshed_at)
     SELECT o.id, 'general', 'connected', 'scale-' || replace(o.id::text, '-', ''), $1, $2, $3::jsonb, $4, $5, $6, now()
     FROM organizations o`,
    [
      options.owner.id,
      options.owner.email,
      JSON.stringify(options.scopes),
      options.accessTokenSealed,
      options.refreshTokenSealed,
      options.tokenExpiresAt.toISOString(),
    ],
  );
  await sql(
    `INSERT INTO zoom_users (connection_id, zoom_user_id, email, display_name, type, status)
     SELECT c.id, z.zoom_user_id, z.email, z.email, 2, 'active'
     FROM zoom_connections c CROSS JOIN unnest($1::text[], $2::text[]) AS z(zoom_user_id, email)`,
    [ids, emails],
  );
  await sql(
    `INSERT INTO user_links (connection_id, user_id, zoom_user_id, zoom_email, method)
     SELECT c.id, u.id, z.zoom_user_id, z.email, 'automatic'
     FROM zoom_connections c
     JOIN users u ON u.organization_id = c.organization_id
     JOIN unnest($1::text[], $2::text[]) WITH ORDINALITY AS z(zoom_user_id, email, n) ON u.name = 'Seller ' || z.n`,
    [ids, emails],
  );
  await sql(
    `INSERT INTO import_sweeps (connection_id, last_started_at, last_finished_at)
     SELECT id, now() - interval '1 minute', now() - interval '1 minute' FROM zoom_connections`,
  );
  const { rows } = await sql('SELECT id FROM zoom_connections ORDER BY organization_id');
  const links = await sql('SELECT count(*)::int AS n FROM user_links');
  if (rows.length !== options.connections || links.rows[0]!.n !== options.connections * ids.length) {
    throw new Error(`seeding made ${rows.length} connections and ${String(links.rows[0]!.n)} links`);
  }
  return rows.map((row) => String(row.id));
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function forEachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}
