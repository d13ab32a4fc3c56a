// `gic explain (--request JSON|@FILE | --policy NS/NAME | --workload NS/NAME) [--mesh DIR]`: why a
// request gets its decision, what a policy does, or what protects a workload (docs/cli.md). The facts
// are the engine's (decision, trace, policies with file and line, findings with witnesses); `text` is
// the model's phrasing of them when a model is configured and its text names nothing outside the
// facts, else template text (`by`). Input errors in the mesh exit 3 unless --allow-input-errors.
import type { ExplainResult, ExplainSubjectInput } from '../../copilot/explain-access.js';
import { AppError } from '../../errors.js';
import type { Command } from '../command.js';
import { COPILOT_OPTIONS, INPUT_ERRORS_OPTION, MESH_OPTION } from '../copilot-options.js';
import { writeJson } from '../output/write-json.js';
import { MODEL_OPTIONS } from '../setting-options.js';
import { parseJson } from '../read-request.js';
import { readText } from '../read-sources.js';

function render(result: ExplainResult): string {
  const lines = [result.text, '', `(${result.by === 'model' ? 'phrased by the model from the facts below' : 'from the facts below'}${result.fallback !== undefined ? `; the model's text was not used: ${result.fallback.reason}` : ''})`];
  for (const e of result.inputErrors) lines.push(`input error: ${e.file}:${e.line} ${e.message}`);
  for (const f of result.facts) lines.push(`- [${f.kind}] ${f.text}${f.source !== undefined ? ` (${f.source})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export const explainCommand: Command = {
  name: 'explain',
  description: "explain a request's decision, a policy or a workload, from the engine's facts (a model phrases them when configured)",
  usage: 'gic explain --mesh PATH (--request JSON|@FILE | --policy NS/NAME | --workload NS/NAME) [-o human|json]',
  examples: [
    'gic explain --mesh examples/demo-mesh --request @examples/requests/developer-triggers-build.json -o json',
    'gic explain --mesh examples/demo-mesh --policy builds/artifact-store-uploads',
    'gic explain --mesh examples/demo-mesh --workload builds/build-trigger --model-url http://vllm.models.svc:8000/v1 --model qwen',
  ],
  options: {
    ...MESH_OPTION,
    request: { type: 'string', valueName: 'JSON|@FILE', description: 'a request in the gic check shape, or @FILE (@- for stdin)' },
    policy: { type: 'string', valueName: 'NS/NAME', description: 'an AuthorizationPolicy of the mesh' },
    workload: { type: 'string', valueName: 'NS/NAME', description: 'a workload of the mesh' },
    'no-model': { type: 'boolean', description: 'template text even when a model is configured' },
    ...INPUT_ERRORS_OPTION,
    ...COPILOT_OPTIONS,
    ...MODEL_OPTIONS,
  },
  formats: ['human', 'json'],
  async run({ values, format, io, logger }) {
    const given = (['request', 'policy', 'workload'] as const).filter((k) => typeof values[k] === 'string');
    if (given.length !== 1) throw new AppError('usage', 'give exactly one of --request, --policy or --workload');
    let subject: ExplainSubjectInput;
    const request = values['request'];
    if (typeof request === 'string') {
      const text = request.startsWith('@') ? await readText(request.slice(1)) : request;
      subject = { request: parseJson(text, request.startsWith('@') ? `request file ${request.slice(1)}` : '--request') };
    } else if (typeof values['policy'] === 'string') subject = { policy: values['policy'] };
    else subject = { workload: values['workload'] as string };
    const { openCopilot } = await import('../copilot-context.js');
    const opened = await openCopilot('explain', values, logger, { mesh: 'required', model: 'optional' });
    try {
      const result = await opened.copilot.explain({ subject, ...(values['no-model'] === true ? { useModel: false } : {}) }, opened.ctx);
      if (format === 'json') writeJson(io, result);
      else io.stdout(render(result));
      return { status: result.inputErrors.length > 0 && values['allow-input-errors'] !== true ? 'findings' : 'ok' };
    } finally {
      await opened.close();
    }
  },
};
