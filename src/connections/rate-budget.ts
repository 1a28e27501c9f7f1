import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { defaultRequestsPerSecond, type RateBudget } from '../zoom/index.ts';
import type { ZoomRateLimitCategory } from '../zoom/wire.ts';

/**
 * The per-Zoom-account rate budget shared by every Callport process: one row per account and category
 * holds the current one-second window's count and any pause Zoom imposed with a 429 (docs/zoom-platform.md §5).
 */
export function createDatabaseRateBudget(
  db: Db,
  perSecond: Record<ZoomRateLimitCategory, number> = defaultRequestsPerSecond,
): RateBudget {
  return {
    async acquire(accountKey, category) {
      const limit = Math.max(1, Math.floor(perSecond[category]));
      for (;;) {
        const now = Date.now();
        const second = Math.floor(now / 1000);
        const result = (await db.execute(sql`
          INSERT INTO zoom_rate_windows (account_key, category, window_second, count)
          VALUES (${accountKey}, ${category}, ${second}, 1)
          ON CONFLICT (account_key, category) DO UPDATE SET
            count = CASE WHEN zoom_rate_windows.window_second = EXCLUDED.window_second
                         THEN zoom_rate_windows.count + 1 ELSE 1 END,
            window_second = EXCLUDED.window_second
          RETURNING count, paused_until`)) as unknown as { rows: unknown[] };
        const row = result.rows[0] as { count: number; paused_until: string | Date | null } | undefined;
        const pausedUntil = row?.paused_until ? new Date(row.paused_until).getTime() : 0;
        if (pausedUntil > now) {
          await sleep(Math.min(pausedUntil - now, 60_000));
          continue;
        }
        if ((row?.count ?? 0) <= limit) return;
        await sleep(1000 - (now % 1000) + Math.random() * 50);
      }
    },
    async pause(accountKey, category, untilMs) {
      await db.execute(sql`
        INSERT INTO zoom_rate_windows (account_key, category, window_second, count, paused_until)
        VALUES (${accountKey}, ${category}, 0, 0, ${new Date(untilMs).toISOString()})
        ON CONFLICT (account_key, category) DO UPDATE SET
          paused_until = GREATEST(COALESCE(zoom_rate_windows.paused_until, EXCLUDED.paused_until), EXCLUDED.paused_until)`);
    },
  };
}
