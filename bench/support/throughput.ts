/**
 * Timing of pure functions over a fixed workload: one warm-up pass (JIT, lazy
 * module state), then passes until both a minimum count and a minimum time are
 * reached. The figure is the median pass, so a burst of load from another
 * process on a small machine moves it less than a mean would.
 */
import { performance } from 'node:perf_hooks';

export interface PassTiming {
  /** Median pass duration (ms). */
  medianMs: number;
  passes: number;
  /** Per-second rate of `units` at the median pass. */
  perSecond(units: number): number;
}

export interface MeasureOptions {
  minPasses?: number;
  minMs?: number;
  /** Stop after this many passes even if minMs is not reached. */
  maxPasses?: number;
}

export async function measurePasses(pass: () => unknown, opts: MeasureOptions = {}): Promise<PassTiming> {
  const minPasses = opts.minPasses ?? 5;
  const minMs = opts.minMs ?? 2_000;
  const maxPasses = opts.maxPasses ?? 1_000;
  await pass();
  const durations: number[] = [];
  const started = performance.now();
  while (durations.length < maxPasses && (durations.length < minPasses || performance.now() - started < minMs)) {
    const t0 = performance.now();
    await pass();
    durations.push(performance.now() - t0);
  }
  const sorted = [...durations].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const medianMs = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { medianMs, passes: durations.length, perSecond: (units) => (units * 1000) / medianMs };
}
