/**
 * The pause after failed attempt `attempt` (0 for the first) of something worth trying again: doubling
 * from `firstMs` up to `maxMs`, half of it fixed and half random ("equal jitter"), so that callers that
 * failed together do not all come back at the same moment.
 */
export function backoffMs(attempt: number, options: { firstMs: number; maxMs: number }): number {
  const base = Math.min(options.maxMs, options.firstMs * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}
