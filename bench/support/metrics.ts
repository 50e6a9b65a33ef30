/**
 * What a benchmark reports: named figures with a unit and, where it matters,
 * a target. Each figure is appended as one JSON line to BENCH_METRICS_FILE
 * (set by bench/run.mjs, which prints the table and decides pass / fail) and
 * echoed to the console, so a benchmark run straight through vitest still
 * shows its numbers.
 */
import fs from 'node:fs';

export type Comparison = '>=' | '<=';

export interface Target {
  op: Comparison;
  value: number;
  /** Why this bound, in one line (also in bench/README.md). */
  why: string;
}

export interface Metric {
  /** Benchmark (file) the figure belongs to, e.g. `sync-google`. */
  bench: string;
  name: string;
  value: number;
  unit: string;
  /** Without a target the figure is informational. */
  target?: Target;
  /** Context worth keeping with the figure (sizes, counts, settings). */
  detail?: Record<string, unknown>;
}

export function meets(value: number, target: Target): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** Records one figure; returns it for convenience. */
export function record(metric: Metric): Metric {
  const file = process.env.BENCH_METRICS_FILE;
  if (file) fs.appendFileSync(file, `${JSON.stringify(metric)}\n`);
  const goal = metric.target ? ` (target ${metric.target.op} ${metric.target.value}: ${meets(metric.value, metric.target) ? 'pass' : 'MISS'})` : '';
  console.info(`[bench] ${metric.bench} · ${metric.name}: ${round(metric.value)} ${metric.unit}${goal}`);
  return metric;
}

/** Figures for a table: three significant digits, never exponent notation. */
export function round(value: number): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(value))));
  return Number(value.toFixed(Math.min(digits, 3)));
}

/** The p-th percentile (nearest rank) of the values; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Reads a positive integer from the environment, or the default. */
export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${raw}`);
  return value;
}
