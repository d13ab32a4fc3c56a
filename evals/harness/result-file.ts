// The committed result of an eval run (evals/results/<model>/<date>-<suites>-gic-<version>.json): which
// model, when, which gic version and prompt versions, per suite and per task figures and every attempt.
// The zod schema reads result files back for `compare`, naming the file and field that is wrong.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

import { EVALS_DIR } from './load-tasks.js';
import type { AttemptResult } from './run-task.js';
import type { SuiteSummary, TaskSummary } from './summarize.js';

export const RESULTS_DIR = join(EVALS_DIR, 'results');

export interface EvalRunResult {
  readonly gicVersion: string;
  readonly model: string;
  /** The endpoint's host (never a key or a path with credentials). */
  readonly endpoint: string;
  readonly date: string;
  readonly repeat: number;
  readonly prompts: readonly string[];
  /** Free-form notes (threads, hardware, model file). */
  readonly notes?: string;
  /** Names the run in its file name (e.g. `baseline`, `prompts-v2`). */
  readonly label?: string;
  readonly suites: readonly SuiteSummary[];
  readonly tasks: readonly TaskSummary[];
  readonly attempts: readonly AttemptResult[];
}

const OutcomesSchema = z.looseObject({ pass: z.number(), caught: z.number(), escaped: z.number(), error: z.number() });
const ResultFileSchema = z.looseObject({
  gicVersion: z.string(),
  model: z.string(),
  date: z.string(),
  repeat: z.number(),
  suites: z.array(z.looseObject({ suite: z.string(), tasks: z.number(), passAt1: z.number(), passAtK: z.number(), outcomes: OutcomesSchema })),
  tasks: z.array(z.looseObject({ task: z.string(), suite: z.string(), passAt1: z.number(), passAtK: z.number(), reason: z.string(), outcomes: OutcomesSchema })),
});
export type ResultFile = z.infer<typeof ResultFileSchema>;

/** A file-system-safe name for a model id. */
export function modelSlug(model: string): string {
  return model.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
}

export function resultPath(result: Pick<EvalRunResult, 'model' | 'date' | 'gicVersion' | 'suites' | 'label'>, dir = RESULTS_DIR): string {
  const suites = result.suites.map((s) => s.suite);
  const label = suites.length === 5 ? 'all' : suites.join('+');
  return join(dir, modelSlug(result.model), `${result.date.slice(0, 10)}-${label}-gic-${result.gicVersion}${result.label === undefined ? '' : `-${modelSlug(result.label)}`}.json`);
}

export async function writeResult(result: EvalRunResult, path = resultPath(result)): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

export async function readResult(path: string): Promise<ResultFile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw new Error(`${path}: not a readable JSON result file (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const parsed = ResultFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${path}: not an eval result: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}
