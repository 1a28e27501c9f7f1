/**
 * Zoom's per-account rate limits by category (docs/zoom-platform.md §5): requests per second for Light/Medium/Heavy and per
 * minute for Resource-intensive, shared by every app on the account, with Free-plan daily caps.
 * Windows use real time (a frozen virtual clock must not stop QPS limits from resetting).
 */
import type { ZoomRateLimitCategory } from '../zoom/wire.ts';
import type { Plan } from './state.ts';

type Limit = { perWindow: number; windowMs: number; daily: number | null };

/** docs/zoom-platform.md §5 table. Heavy and Resource-intensive share one daily cap on paid plans. */
export const rateLimitTable: Record<Plan, Record<ZoomRateLimitCategory, Limit>> = {
  free: {
    Light: { perWindow: 4, windowMs: 1000, daily: 6000 },
    Medium: { perWindow: 2, windowMs: 1000, daily: 2000 },
    Heavy: { perWindow: 1, windowMs: 1000, daily: 1000 },
    'Resource-intensive': { perWindow: 10, windowMs: 60_000, daily: 30_000 },
  },
  pro: {
    Light: { perWindow: 30, windowMs: 1000, daily: null },
    Medium: { perWindow: 20, windowMs: 1000, daily: null },
    Heavy: { perWindow: 10, windowMs: 1000, daily: 30_000 },
    'Resource-intensive': { perWindow: 10, windowMs: 60_000, daily: 30_000 },
  },
  business: {
    Light: { perWindow: 80, windowMs: 1000, daily: null },
    Medium: { perWindow: 60, windowMs: 1000, daily: null },
    Heavy: { perWindow: 40, windowMs: 1000, daily: 60_000 },
    'Resource-intensive': { perWindow: 20, windowMs: 60_000, daily: 60_000 },
  },
};

export type RateDecision = {
  category: ZoomRateLimitCategory;
  limit: number;
  remaining: number;
  /** Set when the request is refused. */
  exceeded: 'QPS' | 'Daily-limit' | null;
};

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  private daily = new Map<string, { day: string; count: number }>();
  enabled = true;

  constructor(public plan: Plan) {}

  /**
   * The number a daily-limit 429 reports in `X-RateLimit-Limit` and its message: the plan's daily cap for
   * the category, or, where the plan has none (Light and Medium on paid plans), the per-user daily limit of
   * 100 that Zoom's documented daily 429 quotes (docs/zoom-platform.md §5, S14).
   */
  dailyLimitFor(category: ZoomRateLimitCategory): number {
    return rateLimitTable[this.plan][category].daily ?? 100;
  }

  /** Counts one request of `category` for `accountId`; `virtualDay` (yyyy-mm-dd UTC) keys the daily caps. */
  take(accountId: string, category: ZoomRateLimitCategory, virtualDay: string): RateDecision {
    const limit = rateLimitTable[this.plan][category];
    const now = Date.now();
    const key = `${accountId}:${category}`;
    let window = this.windows.get(key);
    if (!window || now - window.start >= limit.windowMs) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    // Heavy and Resource-intensive share the daily cap (docs/zoom-platform.md §5 footnote).
    const dailyKey = `${accountId}:${category === 'Resource-intensive' ? 'Heavy' : category}`;
    let day = this.daily.get(dailyKey);
    if (!day || day.day !== virtualDay) {
      day = { day: virtualDay, count: 0 };
      this.daily.set(dailyKey, day);
    }
    if (this.enabled && limit.daily !== null && day.count >= limit.daily) {
      return { category, limit: limit.daily, remaining: 0, exceeded: 'Daily-limit' };
    }
    if (this.enabled && window.count >= limit.perWindow) {
      return { category, limit: limit.perWindow, remaining: 0, exceeded: 'QPS' };
    }
    window.count += 1;
    day.count += 1;
    return {
      category,
      limit: limit.perWindow,
      remaining: Math.max(0, limit.perWindow - window.count),
      exceeded: null,
    };
  }
}
