/**
 * Memory of this process while something runs: `process.memoryUsage()` every
 * 100 ms (and at start and stop, so short phases are not missed), reported as
 * growth over a baseline taken after a full GC when the process runs with
 * --expose-gc (vitest.bench.config.mts passes it).
 */

const MB = 1024 * 1024;

export interface MemoryReport {
  /** Peak RSS minus RSS at start (MB). */
  peakRssGrowthMb: number;
  /** Peak heapUsed minus heapUsed at start (MB). */
  peakHeapGrowthMb: number;
  /** heapUsed after a full GC at stop minus at start (MB): what the work left behind. */
  retainedHeapMb: number;
  baselineRssMb: number;
  peakRssMb: number;
  samples: number;
}

export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    // Twice: the first pass runs finalizers that free more on the second.
    gc();
    gc();
  }
}

export class MemorySampler {
  private readonly baseline: NodeJS.MemoryUsage;
  private peakRss: number;
  private peakHeap: number;
  private samples = 0;
  private readonly timer: NodeJS.Timeout;

  private constructor(intervalMs: number) {
    collectGarbage();
    this.baseline = process.memoryUsage();
    this.peakRss = this.baseline.rss;
    this.peakHeap = this.baseline.heapUsed;
    this.timer = setInterval(() => this.sample(), intervalMs);
    // Never keeps the process alive on its own.
    this.timer.unref();
  }

  static start(intervalMs = 100): MemorySampler {
    return new MemorySampler(intervalMs);
  }

  private sample(): void {
    const now = process.memoryUsage();
    this.samples += 1;
    if (now.rss > this.peakRss) this.peakRss = now.rss;
    if (now.heapUsed > this.peakHeap) this.peakHeap = now.heapUsed;
  }

  stop(): MemoryReport {
    this.sample();
    clearInterval(this.timer);
    collectGarbage();
    const after = process.memoryUsage();
    return {
      peakRssGrowthMb: (this.peakRss - this.baseline.rss) / MB,
      peakHeapGrowthMb: (this.peakHeap - this.baseline.heapUsed) / MB,
      retainedHeapMb: (after.heapUsed - this.baseline.heapUsed) / MB,
      baselineRssMb: this.baseline.rss / MB,
      peakRssMb: this.peakRss / MB,
      samples: this.samples,
    };
  }
}
