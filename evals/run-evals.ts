// `npm run evals -- --model-url URL --model NAME [--suite S] [--repeat k]`: runs the eval suites against
// any OpenAI-compatible endpoint through gic's own model client (the egress guard decides whether the
// endpoint may be reached: in-cluster and private addresses, plus --allow-host), prints a table per task
// and per suite (or JSON with --json) and writes the result file under evals/results/<model>/ (after every
// task, so a stopped run keeps what it measured).
// `npm run evals -- compare BASELINE.json CANDIDATE.json`: the per-suite change and the regressed tasks;
// exit 1 when a task regressed.
// `npm run evals -- report RESULT.json...`: the suites of several result files as one Markdown table.
// Exit codes: 0 done (whatever the pass rate), 1 regressions (compare), 2 usage or task-file errors,
// 3 the model endpoint refused by the egress guard or unreachable for every attempt.
import { parseArgs } from 'node:util';

import { ModelSettingsSchema } from '../src/config/config-schema.js';
import { checkModelEgress, createChatModel } from '../src/model/create-chat-model.js';
import { compareResults, renderComparison } from './harness/compare-results.js';
import { loadTasks, parseSuites } from './harness/load-tasks.js';
import { readResult, resultPath, writeResult } from './harness/result-file.js';
import { renderReport } from './harness/render-report.js';
import { renderSuiteTable, renderTaskTable } from './harness/render-table.js';
import { runSuites } from './harness/run-suites.js';
import { loadToolLoop } from './harness/load-tool-loop.js';
import { pinPromptVersions } from './harness/pin-prompt-versions.js';

const USAGE = `usage:
  npm run evals -- --model-url URL --model NAME [--suite S[,S]] [--repeat K] [--task ID] [--json] [--out FILE|--no-save]
                   [--allow-host HOST] [--timeout-ms MS] [--notes TEXT] [--label NAME]
                   [--prompt-version ID=N]
  npm run evals -- compare BASELINE.json CANDIDATE.json
  npm run evals -- report RESULT.json...
suites: drafting, clarification, explanation, tool-use, adversarial (default: all)`;

async function compare(args: readonly string[]): Promise<number> {
  const [basePath, candidatePath] = args;
  if (basePath === undefined || candidatePath === undefined || args.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const comparison = compareResults(await readResult(basePath), await readResult(candidatePath));
  console.log(renderComparison(comparison, basePath, candidatePath));
  return comparison.regressions.length > 0 ? 1 : 0;
}

async function run(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'model-url': { type: 'string' },
      model: { type: 'string' },
      suite: { type: 'string', multiple: true },
      repeat: { type: 'string', default: '1' },
      task: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      'no-save': { type: 'boolean', default: false },
      'allow-host': { type: 'string', multiple: true },
      'timeout-ms': { type: 'string', default: '600000' },
      notes: { type: 'string' },
      label: { type: 'string' },
      'prompt-version': { type: 'string', multiple: true },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const url = values['model-url'];
  const name = values.model;
  const repeat = Number(values.repeat);
  const timeoutMs = Number(values['timeout-ms']);
  if (url === undefined || name === undefined || !Number.isInteger(repeat) || repeat < 1 || !Number.isInteger(timeoutMs) || timeoutMs < 1) {
    console.error(`--model-url and --model are required; --repeat and --timeout-ms are positive integers\n${USAGE}`);
    return 2;
  }
  pinPromptVersions(values['prompt-version'] ?? []);
  const suites = parseSuites(values.suite ?? []);
  let tasks = await loadTasks(suites);
  if (values.task !== undefined) {
    const wanted = new Set(values.task);
    tasks = tasks.filter((t) => wanted.has(t.id) || wanted.has(t.id.split('/')[1] ?? ''));
    if (tasks.length === 0) {
      console.error(`no task matches ${[...wanted].join(', ')}`);
      return 2;
    }
  }
  const settings = ModelSettingsSchema.parse({ url, model: name, allowHosts: values['allow-host'] ?? [], maxRetries: 0, timeoutMs, concurrency: 1 });
  const verdict = await checkModelEgress(settings);
  if (verdict?.allowed !== true) {
    console.error(`the egress guard refuses ${new URL(url).host}: ${verdict?.reason ?? 'no verdict'} (add --allow-host to allow it)`);
    return 3;
  }
  const model = createChatModel(settings);
  if (model === undefined) return 2;
  const toolLoop = tasks.some((t) => t.input.kind === 'tool-use') ? await loadToolLoop() : undefined;
  let outPath: string | undefined;
  const save = !values['no-save'];
  const result = await runSuites(tasks, model, {
    repeat,
    ...(toolLoop !== undefined ? { toolLoop } : {}),
    ...(values.notes !== undefined ? { notes: values.notes } : {}),
    ...(values.label !== undefined ? { label: values.label } : {}),
    onAttempt: (a) => console.error(`[evals] ${a.task} #${a.attempt}: ${a.outcome} (${a.latencyMs} ms, ${a.promptTokens}+${a.completionTokens} tokens) ${a.outcome === 'pass' ? '' : a.reason}`),
    onProgress: async (partial) => {
      if (!save) return;
      outPath = await writeResult(partial, values.out ?? resultPath(partial));
    },
  });
  await model.close();
  if (values.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(renderTaskTable(result.tasks, repeat));
    console.log('');
    console.log(renderSuiteTable(result.suites, repeat));
  }
  if (outPath !== undefined) console.error(`[evals] results: ${outPath}`);
  return result.attempts.length > 0 && result.attempts.every((a) => a.outcome === 'error') ? 3 : 0;
}

async function report(paths: readonly string[]): Promise<number> {
  if (paths.length === 0) {
    console.error(USAGE);
    return 2;
  }
  const files = await Promise.all(paths.map(async (path) => ({ path, result: await readResult(path) })));
  console.log(renderReport(files));
  return 0;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv[0] === 'compare') return compare(argv.slice(1));
  if (argv[0] === 'report') return report(argv.slice(1));
  return run(argv);
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[evals] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
