/**
 * Time as the limiters see it. Production uses the system clock; tests inject
 * a ManualClock so waiting for a quota window or a Retry-After never sleeps.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** Lets every pending promise continuation run (one macrotask turn drains the microtask queue). */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Sleeper {
  wakeAt: number;
  seq: number;
  resolve: () => void;
}

/** A clock that only moves when told to; sleepers wake in time order as it passes them. */
export class ManualClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ wakeAt: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  /** Number of sleepers not yet woken. */
  get pending(): number {
    return this.sleepers.length;
  }

  /**
   * Moves time forward by `ms`, waking sleepers due on the way in order and
   * letting the code they resume run (including sleeps it starts) before going on.
   */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const due = this.sleepers
        .filter((s) => s.wakeAt <= target)
        .sort((a, b) => a.wakeAt - b.wakeAt || a.seq - b.seq)[0];
      if (!due) break;
      this.sleepers.splice(this.sleepers.indexOf(due), 1);
      this.t = Math.max(this.t, due.wakeAt);
      due.resolve();
    }
    this.t = target;
    await flushMicrotasks();
  }

  /** Advances to the next sleeper's wake time (if any) and returns the new time. */
  async next(): Promise<number> {
    await flushMicrotasks();
    const first = this.sleepers.reduce<Sleeper | undefined>((min, s) => (!min || s.wakeAt < min.wakeAt ? s : min), undefined);
    if (first) await this.advance(first.wakeAt - this.t);
    return this.t;
  }
}
