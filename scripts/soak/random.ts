import { createHash } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';

/** A small seeded generator (mulberry32): the soak prints its seed so a run's choices can be replayed. */
export class Rng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** An independent generator for one actor, so one actor's draws never shift another's. */
  fork(name: string): Rng {
    const digest = createHash('sha256').update(`${this.seed}:${name}`).digest();
    return new Rng(digest.readUInt32LE(0));
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return Math.floor(this.between(min, max + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts; returns false if aborted. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  try {
    await setTimeout(Math.max(0, ms), undefined, { signal });
    return true;
  } catch (error) {
    if (signal?.aborted) return false;
    throw error;
  }
}

/** Runs `probe` every `intervalMs` until it returns a value other than undefined or the time is up. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs: number; signal?: AbortSignal },
): Promise<T | undefined> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() >= deadline || options.signal?.aborted) return undefined;
    await sleep(Math.min(options.intervalMs, deadline - Date.now()), options.signal);
  }
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
