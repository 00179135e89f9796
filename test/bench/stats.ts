/** Small statistics and measurement helpers shared by the benchmarks. */

export interface Sample {
  /** Wall time of the measured part, milliseconds. */
  readonly wallMs: number;
  /** User + system CPU time of the measured part, milliseconds. */
  readonly cpuMs: number;
  /** Peak resident set size of the whole process, MiB. */
  readonly peakRssMb: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function medianSample(samples: readonly Sample[]): Sample & { readonly runs: number } {
  return {
    wallMs: round(median(samples.map((s) => s.wallMs))),
    cpuMs: round(median(samples.map((s) => s.cpuMs))),
    peakRssMb: round(median(samples.map((s) => s.peakRssMb))),
    runs: samples.length,
  };
}

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Measures `work` in this process: wall, CPU, and the process's peak RSS afterwards. */
export async function measure(work: () => Promise<void>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/**
 * Least-squares fit y = a + b*x and its coefficient of determination, used to say whether
 * growth in N is linear.
 */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): { intercept: number; slope: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (intercept + slope * x)) ** 2, 0);
  return { intercept, slope, r2: ssTot === 0 ? 1 : 1 - ssRes / ssTot };
}

/** `a / b` rounded to 3 digits: the component/raw ratios of the report. */
export function ratio(a: number, b: number): number {
  if (!(b > 0)) throw new Error(`ratio with a non-positive denominator: ${a} / ${b}`);
  return round(a / b);
}
