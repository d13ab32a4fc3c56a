// The verification chain of one intent (docs/architecture.md), shared by propose, draft and submit's
// re-check: Gerrit groups looked up (names -> UUIDs when the groups claim holds UUIDs), the engine's
// propose (compile, validate, offline dry-run, exact access diff against the intent), the cluster's
// server-side dry-run when one is configured, the analyzers on the proposed policy, the mesh's input
// errors and the expiry. `verified` is the engine's verdict AND every check here; `blockers` says, in
// words, everything that keeps a proposal from being verified. Nothing is stored here.
import type { DryRunReport } from '../kube/dry-run-result.js';
import type { MeshSnapshot } from '../kube/mesh-source.js';
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import type { Intent } from '../policy/compile/intent.js';
import { propose, withPolicy } from '../policy/compile/propose.js';
import type { DiffChange, DiffReport } from '../policy/diff/access-diff.js';
import { parseDocuments } from '../policy/parse/parse-documents.js';
import { parseMesh } from '../policy/parse/parse-mesh.js';
import type { ValidateReport } from '../policy/validate/validate-report.js';
import type { StageReporter } from './call-stages.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { analyzeFocused } from './focused-analysis.js';
import { checkGroups, intentGroupNames, type GroupCheck } from './group-checks.js';
import { inputErrorsOf, type InputError } from './input-errors.js';

/** The file name the proposal has in validation, dry-run and findings. */
export const PROPOSAL_FILE = 'proposal.yaml';

/**
 * Warnings that keep a proposal from being verified when the proposal introduces them: GIC119 (an
 * over-broad grant) and GIC113 (a rule that can never take effect: a broader rule shadows it).
 * Errors always block.
 */
const BLOCKING_CODES = new Set(['GIC119', 'GIC113']);

export interface Verification {
  /** The intent as compiled (group UUIDs filled in when the claim holds UUIDs). */
  readonly intent: Intent;
  readonly yaml: string;
  readonly verified: boolean;
  readonly validation: ValidateReport;
  readonly dryRun: DryRunReport;
  readonly diff: DiffReport;
  readonly unintended: readonly DiffChange[];
  readonly warnings: readonly string[];
  /** The policy the proposal writes, and the existing one it extends, if any. */
  readonly policy: { readonly namespace: string; readonly name: string; readonly extends?: string };
  readonly groups: readonly GroupCheck[];
  readonly inputErrors: readonly InputError[];
  /** Analyzer findings on the proposed policy in the mesh with the proposal. */
  readonly findings: readonly ReportedFinding[];
  readonly expires?: string;
  /** Why it is not verified (empty when verified). */
  readonly blockers: readonly string[];
  /** The mesh it was verified against. */
  readonly mesh: { readonly origin: string; readonly resourceVersion: string };
}

function findingKey(f: ReportedFinding): string {
  return `${f.code}\0${f.field}\0${f.message}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export async function verifyIntent(deps: CopilotDeps, intent: Intent, snapshot: MeshSnapshot, origin: string, ctx: CallContext, stage: StageReporter): Promise<Verification> {
  const blockers: string[] = [];

  stage('groups', 'checking the Gerrit groups the intent names');
  const groups = await checkGroups(deps.groups, intentGroupNames(intent), ctx.signal);
  for (const g of groups) {
    if (g.status === 'missing') blockers.push(`Gerrit group "${g.name}" does not exist${g.closest !== undefined && g.closest.length > 0 ? ` (closest: ${g.closest.join(', ')})` : ''}`);
    if (g.status === 'error') blockers.push(`could not check Gerrit group "${g.name}": ${g.message ?? 'the group source failed'}`);
  }
  let compiledIntent = intent;
  if (deps.settings.groupsClaim.valueKind === 'uuid' && groups.length > 0) {
    const known = Object.fromEntries(groups.filter((g) => g.uuid !== undefined).map((g) => [g.name, g.uuid as string]));
    const ids = { ...known, ...intent.groupIds };
    const unmapped = groups.filter((g) => ids[g.name] === undefined).map((g) => g.name);
    if (unmapped.length > 0) blockers.push(`the groups claim holds UUIDs, but no UUID is known for ${unmapped.join(', ')}${deps.groups === undefined ? ' (no Gerrit source configured)' : ''}`);
    compiledIntent = { ...intent, groupIds: ids };
  }
  if (deps.settings.groupsClaim.claim !== 'groups' && compiledIntent.groupsClaim === undefined && groups.length > 0) {
    compiledIntent = { ...compiledIntent, groupsClaim: deps.settings.groupsClaim.claim };
  }

  stage('compile', 'compiling, validating and diffing the intent');
  const proposal = propose(compiledIntent, snapshot.mesh);
  if (proposal.validation.summary.errors > 0) blockers.push(`validation: ${plural(proposal.validation.summary.errors, 'error')}`);
  if (proposal.unintended.length > 0) blockers.push(`${plural(proposal.unintended.length, 'access change')} the intent did not ask for (see unintended)`);
  if (!proposal.verified && blockers.length === 0 && proposal.diff.changes.length === 0) blockers.push('the proposal changes no access');

  let dryRun: DryRunReport = { results: proposal.dryRun.results.map((r) => ({ ...r, errors: [...r.errors], warnings: [...r.warnings] })) };
  if (deps.dryRun !== undefined) {
    stage('dry-run', 'server-side dry-run against the cluster');
    dryRun = await deps.dryRun([{ file: PROPOSAL_FILE, text: proposal.yaml }], ctx.signal === undefined ? {} : { signal: ctx.signal });
  }
  const rejected = dryRun.results.filter((r) => !r.accepted);
  if (dryRun.results.length === 0) blockers.push('the dry-run returned no verdict');
  for (const r of rejected) blockers.push(`${r.mode} dry-run rejected ${r.kind} ${r.namespace}/${r.name}: ${r.errors.map((e) => (e.field === '' ? e.message : `${e.field}: ${e.message}`)).join('; ') || 'no reason given'}`);
  if (!proposal.verified && blockers.length === 0) blockers.push('the engine did not verify the proposal');

  stage('analyze', 'running the analyzers on the proposed policy');
  const doc = parseDocuments(proposal.yaml, PROPOSAL_FILE).documents;
  const policy = parseMesh([{ file: PROPOSAL_FILE, text: proposal.yaml }]).mesh.authorizationPolicies[0];
  const ref = policy === undefined ? undefined : `${policy.namespace}/${policy.name}`;
  const findings = policy === undefined || ref === undefined ? [] : analyzeFocused({ mesh: withPolicy(snapshot.mesh, policy), documents: doc, policies: new Set([ref]), now: deps.clock() });
  // What the policy being extended already had is not the proposal's doing.
  const existing = ref !== undefined && proposal.extends !== undefined ? new Set(analyzeFocused({ mesh: snapshot.mesh, policies: new Set([ref]), now: deps.clock() }).map(findingKey)) : new Set<string>();
  for (const f of findings) {
    if (f.level === 'error' || (BLOCKING_CODES.has(f.code) && !existing.has(findingKey(f)))) blockers.push(`${f.code} ${f.message}`);
  }

  const inputErrors = inputErrorsOf(snapshot.findings);
  if (inputErrors.length > 0) blockers.push(`the mesh has ${plural(inputErrors.length, 'input error')} (see inputErrors): its answers cannot be trusted`);
  if (intent.expires !== undefined && Date.parse(intent.expires) <= deps.clock().getTime()) blockers.push(`expires ${intent.expires} is not in the future`);

  const verified = proposal.verified && blockers.length === 0;
  return {
    intent: compiledIntent,
    yaml: proposal.yaml,
    verified,
    validation: proposal.validation,
    dryRun,
    diff: proposal.diff,
    unintended: proposal.unintended,
    warnings: proposal.warnings,
    policy: { namespace: proposal.namespace, name: proposal.name, ...(proposal.extends !== undefined ? { extends: proposal.extends } : {}) },
    groups,
    inputErrors,
    findings,
    ...(intent.expires !== undefined ? { expires: intent.expires } : {}),
    blockers: verified ? [] : blockers,
    mesh: { origin, resourceVersion: snapshot.resourceVersion },
  };
}
