// The validation differential: fast-check generates AuthorizationPolicy, PeerAuthentication and
// RequestAuthentication documents (test/arbitraries/istio-resources.ts), and for each one gic's
// `validateSources` must reach Istio's own verdict (the oracle peer: API server CRD schema + CEL,
// Istio's strict proto conversion, istiod's webhook): the same valid/invalid and, for valid resources,
// the same presence of warnings. The oracle runs once per batch of documents.
//
// Warnings are compared on valid resources only: when any layer rejects a resource, the API server
// returns the error and no webhook warnings, so a user never sees them. For rejected resources the
// two sides must also agree on where: the layers that reject (YAML reading, the API server with its
// CRD schema, CEL and metadata rules, istiod's webhook) and, at the API server, the fields.
//
// Knowing differences are listed in ALLOWED with the reason; everything else is a mismatch.
// GIC_DIFF_RUNS (default 600) and GIC_DIFF_SEED (default: the fixed seed under CI=true, else random,
// printed) reproduce a run.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateSources } from '../../src/policy/validate/validate-sources.js';
import type { ValidateReport } from '../../src/policy/validate/validate-report.js';
import { edgeCaseDocuments, securityDocument, type GeneratedResource } from '../arbitraries/istio-resources.js';
import { allKubeYamlForms, kubeYamlDocument } from '../arbitraries/kube-yaml-forms.js';
import { RULES, type RuleInfo } from '../../src/policy/validate/rule-catalog.js';
import { errorLayer, oracleValidateBatch, type OracleValidation } from '../peers/istio-oracle/oracle-client.js';
import { startIstioOracle } from '../peers/istio-oracle/start-istio-oracle.js';
import { startPeerOrSkip } from '../peers/peer.js';
import { FIXED_CI_SEED } from '../support/fast-check-setup.js';

const peer = await startPeerOrSkip('istio-oracle', startIstioOracle);
afterAll(async () => peer?.stop());

const RUNS = Number(process.env['GIC_DIFF_RUNS'] ?? '600');
const SEED = Number(process.env['GIC_DIFF_SEED'] ?? (process.env['CI'] === 'true' ? FIXED_CI_SEED : Date.now() % 2_147_483_647));
const BATCH = 500;
const EDGE_BASE = 100_000;
const FORM_BASE = 200_000;

interface Verdict {
  readonly valid: boolean;
  readonly warnings: boolean;
  /**
   * Where a rejected resource is rejected first, as a cluster answers: reading the YAML, the API
   * server (CRD schema, CEL, object metadata; proto conversion for istioctl), or istiod's webhook,
   * which the API server only calls for what it admitted.
   */
  readonly layer?: 'yaml' | 'apiserver' | 'webhook';
  /** At the API server: the fields it names (normalized: `a.b[0].c`, map keys as `.key`). */
  readonly fields?: readonly string[];
}

type Layer = NonNullable<Verdict['layer']>;
const FIRST: readonly Layer[] = ['yaml', 'apiserver', 'webhook'];

/**
 * One notation for a field: map keys and list indexes as `.segment` (`spec.portLevelMtls["8080"].mode`,
 * `spec.portLevelMtls.8080.mode` and `spec.portLevelMtls[8080].mode` are the same field).
 */
function normalizeField(field: string): string {
  return field
    .replace(/\["((?:[^"\\]|\\.)*)"\]/g, (_, k: string) => `.${JSON.parse(`"${k}"`) as string}`)
    .replace(/\[([^\]"]*)\]/g, '.$1')
    .replace(/^\./, '');
}

/** `a.b` names the same field as `a.b.c` or `a` at another granularity (CEL rules report their parent). */
function related(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return long === short || long.startsWith(`${short}.`);
}

function gicLayer(rule: string): Layer {
  if (rule.startsWith('yaml.')) return 'yaml';
  const layer = (RULES as Record<string, RuleInfo | undefined>)[rule]?.layer;
  return layer === 'webhook' ? 'webhook' : 'apiserver';
}

interface Case {
  readonly index: number;
  readonly generated: Pick<GeneratedResource, 'text'>;
  readonly gic: ValidateReport;
  readonly oracle: OracleValidation;
}

/** A known, explained difference between gic and Istio. */
interface Allowed {
  readonly name: string;
  readonly reason: string;
  readonly applies: (c: Case) => boolean;
}

// Empty on purpose: the oracle includes the API server's layer (CRD schema with strict field validation,
// CEL rules, object metadata), so gic's CRD strictness is Istio's verdict too, not a difference. Add an
// entry only for a difference that is understood and intended, never to silence a mismatch.
const ALLOWED: readonly Allowed[] = [];

function firstLayer(errors: readonly { layer: Layer; field?: string }[]): Pick<Verdict, 'layer' | 'fields'> {
  const layer = FIRST.find((l) => errors.some((e) => e.layer === l));
  if (layer === undefined) return {};
  const fields = layer === 'apiserver' ? [...new Set(errors.flatMap((e) => (e.layer === 'apiserver' && e.field !== undefined && e.field !== '' ? [normalizeField(e.field)] : [])))].sort() : undefined;
  return { layer, ...(fields === undefined ? {} : { fields }) };
}

function gicVerdict(report: ValidateReport): Verdict {
  const errors = report.resources.flatMap((r) => r.errors.map((e) => ({ layer: gicLayer(e.rule), field: e.field })));
  return {
    valid: errors.length === 0,
    warnings: report.resources.some((r) => r.warnings.length > 0),
    ...firstLayer(errors),
  };
}

/** The field an API-server error names: `crd: spec.x[0]: Invalid value...` or `crd: unknown field "spec.x"`. */
function oracleField(error: string): string | undefined {
  const unknown = /^crd: unknown field "([^"]+)"/.exec(error);
  if (unknown !== null) return unknown[1];
  const named = /^crd: (.+?): (?:Invalid value|Required value|Unsupported value|Too long|Too many|Duplicate value|Forbidden|Not found|[a-z]+: )/.exec(error) ?? /^crd: ([A-Za-z][^\s:]*): /.exec(error);
  return named === null || named[1] === '<nil>' ? undefined : named[1];
}

function oracleVerdict(answer: OracleValidation): Verdict {
  const errors = answer.resources.flatMap((r) =>
    r.errors.map((e) => {
      const l = errorLayer(e);
      // istioctl's strict proto conversion (schema) is not an API server step: what only it rejects,
      // the API server admits and istiod's webhook then fails to decode.
      const layer: Layer = l === 'yaml' ? 'yaml' : l === 'crd' ? 'apiserver' : 'webhook';
      const field = l === 'crd' ? oracleField(e) : undefined;
      return { layer, ...(field === undefined ? {} : { field }) };
    }),
  );
  return { valid: answer.valid, warnings: answer.resources.some((r) => r.warnings.length > 0), ...firstLayer(errors) };
}

/** Same verdict; for rejected resources the same first layer and, at the API server, the same fields. */
function agrees(a: Verdict, b: Verdict): boolean {
  if (a.valid !== b.valid) return false;
  if (a.valid) return a.warnings === b.warnings;
  if (a.layer !== b.layer) return false;
  if (a.layer !== 'apiserver') return true;
  // Every field one side names is named by the other, at this or another granularity (the oracle names
  // none for some proto-conversion errors).
  const fa = a.fields ?? [];
  const fb = b.fields ?? [];
  if (fb.length === 0) return true;
  return fa.every((f) => fb.some((g) => related(f, g))) && fb.every((f) => fa.some((g) => related(f, g)));
}

function describeVerdict(v: Verdict): string {
  return v.valid ? (v.warnings ? 'valid with warnings' : 'valid') : `invalid at ${v.layer ?? '?'}${v.fields !== undefined ? ` (fields ${JSON.stringify(v.fields)})` : ''}`;
}

function explain(c: Case): string {
  const gicIssues = c.gic.resources.flatMap((r) => [...r.errors.map((e) => `error ${e.rule} ${e.field}: ${e.message}`), ...r.warnings.map((w) => `warning ${w.rule} ${w.field}: ${w.message}`)]);
  const oracleIssues = c.oracle.resources.flatMap((r) => [...r.errors.map((e) => `error ${e}`), ...r.warnings.map((w) => `warning ${w}`)]);
  return [
    `case ${c.index} (seed ${SEED}; edge cases are numbered from ${EDGE_BASE}, YAML forms from ${FORM_BASE}): gic says ${describeVerdict(gicVerdict(c.gic))}, Istio says ${describeVerdict(oracleVerdict(c.oracle))}`,
    c.generated.text.trimEnd().replaceAll(/^/gm, '    '),
    '  gic:',
    ...gicIssues.map((i) => `    ${i}`),
    '  Istio:',
    ...oracleIssues.map((i) => `    ${i}`),
  ].join('\n');
}

describe.skipIf(!peer)('validation differential: gic validate vs Istio', () => {
  const command = peer?.info.command ?? [];
  const generated = fc.sample(securityDocument, { numRuns: RUNS, seed: SEED });
  let cases: Case[] = [];

  it(`asks the oracle about ${RUNS} generated documents in batches of ${BATCH}`, async () => {
    const answers: OracleValidation[] = [];
    for (let start = 0; start < generated.length; start += BATCH) {
      const texts = generated.slice(start, start + BATCH).map((g) => g.text);
      const began = performance.now();
      answers.push(...(await oracleValidateBatch(command, texts)));
      console.info(`[differential] oracle batch of ${texts.length}: ${Math.round(performance.now() - began)} ms`);
    }
    cases = generated.map((g, index) => {
      const oracle = answers[index];
      if (oracle === undefined) throw new Error(`no oracle answer for case ${index}`);
      return { index, generated: g, oracle, gic: validateSources([{ file: `case-${index}.yaml`, text: g.text }]) };
    });
    // Every document is one Istio resource the oracle judged (none skipped, none lost).
    expect(cases.filter((c) => c.oracle.resources.length !== 1 || c.oracle.resources[0]?.skipped === true).map((c) => c.index)).toEqual([]);
  });

  it('generates a mix Istio accepts and rejects, with warnings among the accepted', () => {
    const verdicts = cases.map((c) => oracleVerdict(c.oracle));
    const valid = verdicts.filter((v) => v.valid).length;
    console.info(`[differential] seed ${SEED}: Istio accepts ${valid} of ${verdicts.length}, ${verdicts.filter((v) => v.valid && v.warnings).length} with warnings`);
    expect(valid).toBeGreaterThan(verdicts.length * 0.2);
    expect(valid).toBeLessThan(verdicts.length * 0.8);
    expect(verdicts.some((v) => v.valid && v.warnings)).toBe(true);
  });

  it('gic reaches Istio’s verdict on every generated document (outside the explained allow-list)', () => {
    expect(unexplainedMismatches(cases)).toEqual([]);
  });

  it('gic reaches Istio’s verdict on the hand-picked edge cases', async () => {
    const texts = edgeCaseDocuments();
    const answers = await oracleValidateBatch(command, texts);
    const edgeCases = texts.map((text, i): Case => {
      const oracle = answers[i];
      if (oracle === undefined) throw new Error(`no oracle answer for edge case ${i}`);
      return { index: EDGE_BASE + i, generated: { text }, oracle, gic: validateSources([{ file: `edge-${i}.yaml`, text }]) };
    });
    expect(unexplainedMismatches(edgeCases)).toEqual([]);
  });

  it('reads YAML, object metadata and inline JWKS as kubectl, the API server and istiod do', async () => {
    const texts = [...allKubeYamlForms(), ...fc.sample(kubeYamlDocument, { numRuns: 300, seed: SEED })];
    const answers = await oracleValidateBatch(command, texts);
    const formCases = texts.map((text, i): Case => {
      const oracle = answers[i];
      if (oracle === undefined) throw new Error(`no oracle answer for form ${i}`);
      return { index: FORM_BASE + i, generated: { text }, oracle, gic: validateSources([{ file: `form-${i}.yaml`, text }]) };
    });
    const rejected = formCases.filter((c) => !oracleVerdict(c.oracle).valid);
    console.info(`[differential] YAML forms: ${formCases.length} texts, Istio rejects ${rejected.length} (${rejected.filter((c) => oracleVerdict(c.oracle).layer === 'yaml').length} while reading the YAML)`);
    expect(rejected.length).toBeGreaterThan(formCases.length * 0.2);
    expect(rejected.length).toBeLessThan(formCases.length * 0.8);
    expect(unexplainedMismatches(formCases)).toEqual([]);
  });
});

/** The mismatches no ALLOWED entry explains, printed in full and returned (the first ten) for the assertion. */
function unexplainedMismatches(cases: readonly Case[]): string[] {
  const mismatches = cases.filter((c) => !agrees(gicVerdict(c.gic), oracleVerdict(c.oracle)));
  const unexplained = mismatches.filter((c) => !ALLOWED.some((a) => a.applies(c)));
  for (const a of ALLOWED) {
    const n = mismatches.filter((c) => a.applies(c)).length;
    if (n > 0) console.info(`[differential] allowed (${a.name}): ${n} case(s): ${a.reason}`);
  }
  if (unexplained.length > 0) console.info(`[differential] ${unexplained.length} mismatch(es):\n${unexplained.map(explain).join('\n\n')}`);
  return unexplained.map(explain).slice(0, 10);
}
