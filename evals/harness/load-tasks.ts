// Reads the task files of evals/tasks/<suite>/*.yaml and checks each against task-file.ts. A file that
// does not parse or does not fit the schema is an error naming the file, the line and the field; the
// runner refuses to run with a broken task rather than skipping it (a skipped task would look passed).
import { readdir, readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';

import { type EvalTask, type SuiteName, SUITES, TaskFileSchema } from './task-file.js';

export const EVALS_DIR = join(import.meta.dirname, '..');
export const TASKS_DIR = join(EVALS_DIR, 'tasks');

export class TaskFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'TaskFileError';
  }
}

/** Parses one task file's text; throws TaskFileError with `line N: field: message` problems. */
export function parseTaskFile(text: string, file: string, suite: SuiteName): EvalTask {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new TaskFileError(file, doc.errors.map((e) => `line ${lines.linePos(e.pos[0]).line}: ${e.message.split('\n')[0] ?? e.message}`));
  }
  const parsed = TaskFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String);
      let node: unknown;
      for (let n = path.length; n > 0 && !isNode(node); n--) node = doc.getIn(path.slice(0, n), true);
      const line = isNode(node) && node.range != null ? `line ${lines.linePos(node.range[0]).line}: ` : '';
      return `${line}${path.length === 0 ? '(task)' : path.join('.')}: ${issue.message}`;
    });
    throw new TaskFileError(file, problems);
  }
  return { ...parsed.data, id: `${suite}/${basename(file).replace(/\.ya?ml$/, '')}`, suite, file };
}

/** Every task of the given suites (all when none given), sorted by id. */
export async function loadTasks(suites: readonly SuiteName[] = SUITES, tasksDir = TASKS_DIR): Promise<EvalTask[]> {
  const tasks: EvalTask[] = [];
  const problems: TaskFileError[] = [];
  for (const suite of suites) {
    const dir = join(tasksDir, suite);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => /\.ya?ml$/.test(n)).sort();
    for (const name of names) {
      const file = join(dir, name);
      try {
        tasks.push(parseTaskFile(await readFile(file, 'utf8'), relative(EVALS_DIR, file), suite));
      } catch (error) {
        if (error instanceof TaskFileError) problems.push(error);
        else throw error;
      }
    }
  }
  if (problems.length > 0) throw new TaskFileError(problems.map((p) => p.file).join(', '), problems.map((p) => p.message));
  return tasks.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Parses `--suite` values (comma lists allowed); throws on an unknown suite name. */
export function parseSuites(values: readonly string[]): SuiteName[] {
  const out: SuiteName[] = [];
  for (const value of values.flatMap((v) => v.split(','))) {
    const name = value.trim();
    if (name === '') continue;
    if (!(SUITES as readonly string[]).includes(name)) throw new Error(`unknown suite "${name}": one of ${SUITES.join(', ')}`);
    if (!out.includes(name as SuiteName)) out.push(name as SuiteName);
  }
  return out.length === 0 ? [...SUITES] : out;
}
