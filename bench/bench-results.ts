// The result shape every benchmark prints (`npm run bench` gathers them into one JSON document) and the
// recorder that checks a figure against its target and reports it on stderr as it is measured.

export interface Target {
  readonly min?: number;
  readonly max?: number;
}

export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target: Target | null;
  readonly pass: boolean | null;
  readonly details?: Record<string, unknown>;
}

/** `x` to `decimals` places (2 unless a benchmark reports finer figures). */
export function roundFigure(x: number, decimals = 2): number {
  const factor = 10 ** decimals;
  return Math.round(x * factor) / factor;
}

export interface BenchRecorder {
  readonly results: BenchResult[];
  progress(message: string): void;
  record(name: string, value: number, unit: string, target: Target | null, details?: Record<string, unknown>): void;
}

/** `tag` prefixes the progress lines (`[bench:store] ...`); figures are rounded to `decimals` places. */
export function benchRecorder(tag: string, decimals = 2): BenchRecorder {
  const results: BenchResult[] = [];
  const progress = (message: string): void => void process.stderr.write(`[${tag}] ${message}\n`);
  return {
    results,
    progress,
    record: (name, value, unit, target, details) => {
      const pass = target === null ? null : (target.min === undefined || value >= target.min) && (target.max === undefined || value < target.max);
      results.push({ name, value: roundFigure(value, decimals), unit, target, pass, ...(details === undefined ? {} : { details }) });
      progress(`${name}: ${roundFigure(value, decimals)} ${unit}${pass === null ? '' : pass ? ' (pass)' : ' (FAIL)'}`);
    },
  };
}
