import { describe, expect, it } from 'vitest';
import { VirtualClock } from './clock.ts';

describe('VirtualClock', () => {
  it('runs due tasks in time order at their own time while advancing', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1), true);
    const seen: [string, number][] = [];
    clock.schedule(clock.now() + 20_000, 'b', () => {
      seen.push(['b', clock.now()]);
    });
    clock.schedule(clock.now() + 10_000, 'a', () => {
      seen.push(['a', clock.now()]);
      // a task scheduled by a task, still inside the advance window
      clock.schedule(clock.now() + 5_000, 'a2', () => {
        seen.push(['a2', clock.now()]);
      });
    });
    clock.schedule(clock.now() + 60_000, 'later', () => {
      seen.push(['later', clock.now()]);
    });
    const start = clock.now();
    await clock.advance(30);
    expect(seen).toEqual([
      ['a', start + 10_000],
      ['a2', start + 15_000],
      ['b', start + 20_000],
    ]);
    expect(clock.now()).toBe(start + 30_000);
    expect(clock.pending().map((t) => t.label)).toEqual(['later']);
  });

  it('stays still when frozen and refuses negative advances', async () => {
    const clock = new VirtualClock(1_000, true);
    expect(clock.now()).toBe(1_000);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});
