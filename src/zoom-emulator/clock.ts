/**
 * The emulator's virtual clock and its scheduler.
 *
 * Virtual time = start + manual advances (+ real elapsed time unless frozen). Everything time-based in
 * Zoom (token and code expiry, processing delays, webhook retries, auto-delete, URL re-validation) is
 * a scheduled task on this clock, so `advance()` replays a week in milliseconds, in time order.
 */
export type ScheduledTask = { id: number; at: number; label: string; run: () => void | Promise<void> };

export class VirtualClock {
  private offsetMs = 0;
  private readonly realStart = Date.now();
  private tasks: ScheduledTask[] = [];
  private nextId = 1;
  private running: Promise<void> | null = null;

  constructor(
    private readonly startMs: number,
    private readonly frozen: boolean,
  ) {}

  /** Current virtual time in epoch milliseconds. */
  now(): number {
    return this.startMs + this.offsetMs + (this.frozen ? 0 : Date.now() - this.realStart);
  }

  nowDate(): Date {
    return new Date(this.now());
  }

  /** Runs `run` once virtual time reaches `at` (on the next `runDue()` or `advance()`). */
  schedule(at: number, label: string, run: ScheduledTask['run']): number {
    const task = { id: this.nextId++, at, label, run };
    this.tasks.push(task);
    return task.id;
  }

  cancel(id: number): void {
    this.tasks = this.tasks.filter((task) => task.id !== id);
  }

  pending(): ReadonlyArray<Omit<ScheduledTask, 'run'>> {
    return this.tasks.map(({ id, at, label }) => ({ id, at, label })).sort((a, b) => a.at - b.at);
  }

  /** Runs every task that is due now, oldest first, including tasks that due tasks schedule. */
  async runDue(): Promise<void> {
    // One runner at a time, so a timer tick and an explicit advance never run the same task twice.
    while (this.running) await this.running;
    this.running = this.drain(() => this.now());
    try {
      await this.running;
    } finally {
      this.running = null;
    }
  }

  /**
   * Moves virtual time forward by `seconds`, stopping at each due task on the way so that tasks see
   * the time they were scheduled for (a retry scheduled by a failing delivery at T runs at T + 5 min).
   */
  async advance(seconds: number): Promise<void> {
    if (!(seconds >= 0)) throw new RangeError('seconds must be a non-negative number');
    while (this.running) await this.running;
    const target = this.now() + seconds * 1000;
    this.running = this.drain(
      () => target,
      (at) => this.moveTo(at),
    );
    try {
      await this.running;
    } finally {
      this.running = null;
    }
    this.moveTo(target);
  }

  private moveTo(at: number): void {
    const delta = at - this.now();
    if (delta > 0) this.offsetMs += delta;
  }

  private async drain(limit: () => number, onStep?: (at: number) => void): Promise<void> {
    for (;;) {
      const due = this.tasks
        .filter((task) => task.at <= limit())
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) return;
      this.tasks = this.tasks.filter((task) => task.id !== due.id);
      onStep?.(due.at);
      await due.run();
    }
  }
}
