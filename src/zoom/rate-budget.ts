import { setTimeout as sleep } from 'node:timers/promises';
import type { ZoomRateLimitCategory } from './wire.ts';

/**
 * Zoom's limits are per account and shared with the customer's other apps (docs/zoom-platform.md §5), so every request
 * first takes a slot from a budget per Zoom account. Callport's implementation is shared by all its
 * processes through the database; this interface keeps `zoom/` free of that.
 */
export type RateBudget = {
  /** Resolves when a request of this category may go out now. */
  acquire(accountKey: string, category: ZoomRateLimitCategory): Promise<void>;
  /** Zoom answered 429: hold every request of this category until `untilMs` (epoch ms). */
  pause(accountKey: string, category: ZoomRateLimitCategory, untilMs: number): Promise<void>;
};

/** Callport's share of Zoom's Business-plan per-second limits (docs/zoom-platform.md §5: Light 80/s, Medium 60/s, Heavy 40/s). */
export const defaultRequestsPerSecond: Record<ZoomRateLimitCategory, number> = {
  Light: 20,
  Medium: 15,
  Heavy: 10,
  'Resource-intensive': 0.25,
};

/** A per-process budget (one-second windows): for tools and tests that run outside the product. */
export function createLocalRateBudget(
  perSecond: Record<ZoomRateLimitCategory, number> = defaultRequestsPerSecond,
): RateBudget {
  const windows = new Map<string, { second: number; count: number; pausedUntil: number }>();
  return {
    async acquire(accountKey, category) {
      const key = `${accountKey}:${category}`;
      for (;;) {
        const now = Date.now();
        const window = windows.get(key) ?? { second: 0, count: 0, pausedUntil: 0 };
        windows.set(key, window);
        if (window.pausedUntil > now) {
          await sleep(window.pausedUntil - now);
          continue;
        }
        const second = Math.floor(now / 1000);
        if (window.second !== second) {
          window.second = second;
          window.count = 0;
        }
        if (window.count < Math.max(1, perSecond[category])) {
          window.count++;
          return;
        }
        await sleep(1000 - (now % 1000));
      }
    },
    async pause(accountKey, category, untilMs) {
      const key = `${accountKey}:${category}`;
      const window = windows.get(key) ?? { second: 0, count: 0, pausedUntil: 0 };
      window.pausedUntil = Math.max(window.pausedUntil, untilMs);
      windows.set(key, window);
    },
  };
}
