// `gic check`: would this request be allowed? Reads the mesh once (`--mesh`, repeatable), compiles it
// once, and evaluates one request (`--request JSON|@file`) or one per line (`--requests FILE`, jsonl),
// printing cli.md's result shape. A bad request is exit 2; in a batch, a bad line yields an error line
// and the other lines still run. Decisions are results, not failures: DENY exits 0.
import { AppError } from '../../errors.js';
import type { AccessRequest } from '../../policy/evaluate/access-request.js';
import type { Decision } from '../../policy/evaluate/decision.js';
import type { Command } from '../command.js';
import { renderDecision } from '../output/render-check.js';
import { writeJson, writeJsonLine } from '../output/write-json.js';
import { readRequest } from '../read-request.js';
import { readSources, readText } from '../read-sources.js';

/** cli.md's result: exactly these keys, in this order. */
export interface CheckResult {
  readonly decision: Decision['decision'];
  readonly protocol: Decision['protocol'];
  readonly provider?: string;
  readonly reasons: Decision['reasons'];
  readonly trace: Decision['trace'];
}

/** A batch line that could not be evaluated. */
export interface CheckLineError {
  readonly line: number;
  readonly error: { readonly code: string; readonly message: string };
}

export const checkCommand: Command = {
  name: 'check',
  description: 'decide whether a request would be allowed by the mesh policies, with reasons and a trace',
  usage: 'gic check --mesh PATH [--mesh PATH...] (--request JSON|@FILE | --requests FILE) [-o human|json|jsonl]',
  examples: [
    'gic check --mesh examples/demo-mesh --request @examples/requests/admin-reads-server-config.json -o json',
    `gic check --mesh examples/demo-mesh --request '{"to":{"namespace":"gerrit","workload":"gerrit","port":8080},"from":{"namespace":"ci","workload":"build-runner"},"method":"GET","path":"/a/changes/"}'`,
    'gic check --mesh examples/demo-mesh --requests requests.jsonl -o jsonl',
  ],
  options: {
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively: *.yaml, *.yml, *.json)' },
    request: { type: 'string', valueName: 'JSON|@FILE', description: 'one request as JSON, or @FILE to read it from a file (@- for stdin)' },
    requests: {
      type: 'string',
      valueName: 'FILE',
      description: 'a JSON Lines file, one request per line (- for stdin); a bad line gets {"line","error"} and exit 2',
    },
  },
  formats: ['human', 'json', 'jsonl'],
  defaultFormat: (values) => (values['requests'] !== undefined ? 'jsonl' : 'json'),
  async run({ values, format, io, logger }) {
    const meshPaths = stringList(values['mesh']);
    const single = values['request'];
    const batch = values['requests'];
    if (meshPaths.length === 0) throw new AppError('usage', 'give the mesh with --mesh PATH (a file or a directory)');
    if ((single === undefined) === (batch === undefined)) throw new AppError('usage', 'give exactly one of --request or --requests');

    // Read every input before the (slower) mesh work, so unreadable input fails fast.
    const requestText = typeof single === 'string' ? (single.startsWith('@') ? await readText(single.slice(1)) : single) : undefined;
    const batchText = typeof batch === 'string' ? await readText(batch) : undefined;
    const sources = await readSources(meshPaths);
    // The engine is loaded on use, so `gic validate` and `--help` never pay for it.
    const [{ parseMesh }, { compileMesh }, { evaluateRequest }] = await Promise.all([
      import('../../policy/parse/parse-mesh.js'),
      import('../../policy/evaluate/compile-mesh.js'),
      import('../../policy/evaluate/evaluate-request.js'),
    ]);
    const { mesh, findings } = parseMesh(sources);
    for (const finding of findings) {
      const { level, ...rest } = finding;
      logger.warn(`mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
    }
    const compiled = compileMesh(mesh);
    logger.debug('mesh compiled', { files: sources.length, policies: mesh.authorizationPolicies.length });
    const known = new Set(mesh.workloads.map((w) => `${w.namespace}/${w.name}`));
    const check = (request: AccessRequest): CheckResult => {
      // Not an error: a diff witness may name a workload that only the other mesh has. The trace says so too.
      for (const [side, ref] of [['to', request.to], ['from', request.from]] as const) {
        if (ref !== undefined && 'workload' in ref && ref.workload !== undefined && !known.has(`${ref.namespace}/${ref.workload}`)) {
          logger.warn(`${side}.workload ${ref.namespace}/${ref.workload} is not in the mesh`, { field: `${side}.workload` });
        }
      }
      return toResult(evaluateRequest(compiled, request));
    };

    if (requestText !== undefined) {
      const what = typeof single === 'string' && single.startsWith('@') ? `request file ${single.slice(1)}` : '--request';
      const result = check(readRequest(requestText, what));
      if (format === 'human') io.stdout(renderDecision(result));
      else if (format === 'jsonl') writeJsonLine(io, result);
      else writeJson(io, result);
      return { status: 'ok' };
    }

    let bad = 0;
    const collected: (CheckResult | CheckLineError)[] = [];
    const lines = (batchText ?? '').split(/\r?\n/);
    for (const [index, line] of lines.entries()) {
      if (line.trim() === '') continue;
      const lineNumber = index + 1;
      let item: CheckResult | CheckLineError;
      try {
        item = check(readRequest(line, `line ${lineNumber}`));
      } catch (error) {
        if (!AppError.isInstance(error) || error.code !== 'bad-request') throw error;
        bad++;
        item = { line: lineNumber, error: { code: error.code, message: error.message } };
      }
      if (format === 'jsonl') writeJsonLine(io, item);
      else if (format === 'human') io.stdout(renderBatchItem(item, lineNumber));
      else collected.push(item);
    }
    if (format === 'json') writeJson(io, collected);
    if (bad > 0) logger.warn('some request lines were not valid requests', { bad });
    return { status: bad > 0 ? 'bad-request' : 'ok' };
  },
};

function renderBatchItem(item: CheckResult | CheckLineError, line: number): string {
  if ('error' in item) return `line ${line}: ERROR ${item.error.message}\n\n`;
  return `line ${line}: ${renderDecision(item)}\n`;
}

function toResult(decision: Decision): CheckResult {
  return {
    decision: decision.decision,
    protocol: decision.protocol,
    ...(decision.provider !== undefined ? { provider: decision.provider } : {}),
    reasons: decision.reasons,
    trace: decision.trace,
  };
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
