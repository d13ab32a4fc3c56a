// `gic check`: would this request be allowed? Reads the mesh once (`--mesh`, repeatable), compiles it
// once, and evaluates one request (`--request JSON|@file`) or one per line (`--requests FILE`, jsonl,
// streamed in constant memory), printing cli.md's result shape (batch results add `line`). A bad
// request is exit 2, a `to.workload`/`from.workload` the mesh does not have exit 4; in a batch, such a
// line yields an error line and the other lines still run. Decisions are results: DENY exits 0, unless
// `--exit-code` asks for 3 when any decision is not ALLOW. A mesh with input errors answers with
// `inputErrors` and exit 3 unless `--allow-input-errors` (docs/input-errors.md). `--no-trace` drops the
// trace for throughput; batch results are written as JSON text straight from the decision.
import { AppError } from '../../errors.js';
import type { AccessRequest } from '../../policy/evaluate/access-request.js';
import type { Decision } from '../../policy/evaluate/decision.js';
import type { InputError } from '../../policy/parse/input-errors.js';
import type { Command, CommandStatus } from '../command.js';
import { INPUT_ERROR_OPTIONS, inputErrorStatus, logInputErrors, renderInputErrors, worseStatus } from '../input-errors-gate.js';
import { checkResultLine, renderDecision } from '../output/render-check.js';
import { writeJson, writeJsonLine } from '../output/write-json.js';
import { openLines } from '../read-lines.js';
import { readRequest } from '../read-request.js';
import { readSources, readText } from '../read-sources.js';

/** cli.md's result: exactly these keys, in this order (`inputErrors` only when the mesh has some). */
export interface CheckResult {
  readonly decision: Decision['decision'];
  readonly protocol: Decision['protocol'];
  readonly provider?: string;
  readonly reasons: Decision['reasons'];
  readonly trace?: Decision['trace'];
  readonly inputErrors?: readonly InputError[];
}

/** A batch line that could not be evaluated. */
export interface CheckLineError {
  readonly line: number;
  readonly error: { readonly code: string; readonly message: string };
}

/** Longest request line of `--requests` (bytes); a longer line gets an error line, the others still run. */
export const MAX_REQUEST_LINE_BYTES = 1024 * 1024;

/** Output written to stdout in pieces of about this size (fewer writes, bounded memory). */
const FLUSH_AT = 64 * 1024;

export const checkCommand: Command = {
  name: 'check',
  description: 'decide whether a request would be allowed by the mesh policies, with reasons and a trace',
  usage: 'gic check --mesh PATH [--mesh PATH...] (--request JSON|@FILE | --requests FILE) [--no-trace] [--exit-code] [-o human|json|jsonl]',
  examples: [
    'gic check --mesh examples/demo-mesh --request @examples/requests/admin-reads-server-config.json -o json',
    `gic check --mesh examples/demo-mesh --request '{"to":{"namespace":"gerrit","workload":"gerrit","port":8080},"from":{"namespace":"ci","workload":"build-runner"},"method":"GET","path":"/a/changes/"}'`,
    'gic check --mesh examples/demo-mesh --requests examples/requests/demo.jsonl -o jsonl --no-trace',
    'gic check --mesh examples/demo-mesh --request @examples/requests/plaintext-to-gerrit.json --exit-code -o human',
  ],
  options: {
    mesh: { type: 'string', multiple: true, valueName: 'PATH', description: 'mesh file or directory (read recursively: *.yaml, *.yml, *.json)' },
    request: { type: 'string', valueName: 'JSON|@FILE', description: 'one request as JSON, or @FILE to read it from a file (@- for stdin)' },
    requests: {
      type: 'string',
      valueName: 'FILE',
      description: 'a JSON Lines file, one request per line (- for stdin), streamed; each result carries "line"; a bad line gets {"line","error"} and exit 2 (4 for an unknown workload)',
    },
    'no-trace': { type: 'boolean', description: 'leave "trace" out of the results (faster)' },
    'exit-code': { type: 'boolean', description: 'exit 3 when any decision is not ALLOW, as `kubectl auth can-i` does for scripts' },
    ...INPUT_ERROR_OPTIONS,
  },
  formats: ['human', 'json', 'jsonl'],
  defaultFormat: (values) => (values['requests'] !== undefined ? 'jsonl' : 'json'),
  async run({ values, format, io, logger }) {
    const meshPaths = stringList(values['mesh']);
    const single = values['request'];
    const batch = values['requests'];
    if (meshPaths.length === 0) throw new AppError('usage', 'give the mesh with --mesh PATH (a file or a directory)');
    if ((single === undefined) === (batch === undefined)) throw new AppError('usage', 'give exactly one of --request or --requests');
    const withTrace = values['no-trace'] !== true;
    const exitCode = values['exit-code'] === true;

    // Read (or open) every input before the (slower) mesh work, so unreadable input fails fast.
    const requestText = typeof single === 'string' ? (single.startsWith('@') ? await readText(single.slice(1), { maxBytes: MAX_REQUEST_LINE_BYTES, what: `request file ${single.slice(1)}` }) : single) : undefined;
    const lines = typeof batch === 'string' ? await openLines(batch, MAX_REQUEST_LINE_BYTES) : undefined;
    const sources = await readSources(meshPaths, { warn: (m, f) => logger.warn(m, f) });
    // The engine is loaded on use, so `gic validate` and `--help` never pay for it.
    const [{ readMeshInput }, { compileMesh }, { evaluateRequest }, { checkRequestNames }, { readRequestText }, { describeRequestProblems }] = await Promise.all([
      import('../../policy/validate/read-mesh-input.js'),
      import('../../policy/evaluate/compile-mesh.js'),
      import('../../policy/evaluate/evaluate-request.js'),
      import('../../policy/request/check-request-names.js'),
      import('../../policy/request/read-request-text.js'),
      import('../../policy/request/read-access-request.js'),
    ]);
    const { mesh, findings, inputErrors } = readMeshInput(sources);
    for (const finding of findings) {
      if (finding.level !== 'warning') continue;
      const { level, ...rest } = finding;
      logger.warn(`mesh input ${level}: ${finding.message}`, { ...rest, severity: level });
    }
    logInputErrors(logger, inputErrors, values);
    const compiled = compileMesh(mesh);
    logger.debug('mesh compiled', { files: sources.length, policies: mesh.authorizationPolicies.length });
    const evaluateOptions = { trace: withTrace };
    let status: CommandStatus = inputErrorStatus(inputErrors, values);

    if (requestText !== undefined) {
      const what = typeof single === 'string' && single.startsWith('@') ? `request file ${single.slice(1)}` : '--request';
      const named = checkRequestNames(compiled, readRequest(requestText, what));
      if (!named.ok) throw new AppError(named.code, `${what}: ${named.message}`, { details: { fields: [named.field] } });
      const decision = evaluateRequest(compiled, named.request, evaluateOptions);
      const result = toResult(decision, withTrace, inputErrors);
      if (format === 'human') io.stdout(renderInputErrors(inputErrors, values) + renderDecision({ ...result, trace: result.trace ?? [] }));
      else if (format === 'jsonl') writeJsonLine(io, result);
      else writeJson(io, result);
      if (exitCode && decision.decision !== 'ALLOW') status = worseStatus(status, 'findings');
      return { status };
    }

    // The batch: streamed line by line; output leaves in pieces, with backpressure.
    let out = '';
    let items = 0;
    const flush = async (): Promise<void> => {
      if (out.length === 0) return;
      io.stdout(out);
      out = '';
      await io.drain?.();
    };
    const item = (jsonText: string, value: () => unknown): void => {
      if (format === 'jsonl') out += jsonText;
      else if (format === 'json') out += `${items === 0 ? '[\n' : ',\n'}  ${JSON.stringify(value(), null, 2).replace(/\n/g, '\n  ')}`;
      items++;
    };
    if (inputErrors.length > 0 && format !== 'human') item(`${JSON.stringify({ inputErrors })}\n`, () => ({ inputErrors }));
    if (format === 'human') out += renderInputErrors(inputErrors, values);
    let bad = 0;
    let notFound = 0;
    let notAllowed = 0;
    const lineError = (line: number, code: string, message: string): void => {
      if (code === 'not-found') notFound++;
      else bad++;
      const error = { line, error: { code, message } } satisfies CheckLineError;
      if (format === 'human') out += `line ${line}: ERROR ${message}\n\n`;
      else item(`${JSON.stringify(error)}\n`, () => error);
    };
    await lines!.forEach(
      (line, text, bytes) => {
        if (text === undefined) {
          lineError(line, 'bad-request', `line ${line} is ${bytes} bytes long, over the limit of ${MAX_REQUEST_LINE_BYTES}; a request is a few hundred bytes`);
          return;
        }
        if (isBlank(text)) return;
        const reading = readRequestText(text);
        if (!reading.ok) {
          lineError(line, 'bad-request', describeRequestProblems(`line ${line}`, reading.problems));
          return;
        }
        const named = checkRequestNames(compiled, reading.request);
        if (!named.ok) {
          lineError(line, named.code, `line ${line}: ${named.message}`);
          return;
        }
        const decision = evaluateRequest(compiled, named.request as AccessRequest, evaluateOptions);
        if (decision.decision !== 'ALLOW') notAllowed++;
        if (format === 'jsonl') out += checkResultLine(line, decision, withTrace);
        else if (format === 'human') out += `line ${line}: ${renderDecision(decision)}\n`;
        else item('', () => ({ line, ...toResult(decision, withTrace, []) }));
      },
      async () => {
        if (out.length >= FLUSH_AT) await flush();
      },
    );
    if (format === 'json') out += items === 0 ? '[]\n' : '\n]\n';
    await flush();
    if (bad + notFound > 0) logger.warn('some request lines were not answered', { bad, notFound });
    if (exitCode && notAllowed > 0) status = worseStatus(status, 'findings');
    if (bad > 0) status = worseStatus(status, 'bad-request');
    if (notFound > 0) status = worseStatus(status, 'not-found');
    return { status };
  },
};

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0b && c !== 0x0c) return false;
  }
  return true;
}

function toResult(decision: Decision, withTrace: boolean, inputErrors: readonly InputError[]): CheckResult {
  return {
    decision: decision.decision,
    protocol: decision.protocol,
    ...(decision.provider !== undefined ? { provider: decision.provider } : {}),
    reasons: decision.reasons,
    ...(withTrace ? { trace: decision.trace } : {}),
    ...(inputErrors.length > 0 ? { inputErrors } : {}),
  };
}

function stringList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}
