// Use case `review` (the review bot, `gic review`): the changed policy files of a patch set, before
// and after, against a base mesh (the target branch's mesh or the live one) -> validation with lines,
// the analyzers on the changed policies, the exact access diff, the dry-run (the cluster's when one is
// configured, else offline), a vote and inline comments, and a message with the access delta. No model
// and no write here: the bot posts what this returns. Fast enough for the bot on a large mesh: the
// base is patched rather than rebuilt and its compiled form is reused (see bench/copilot-benchmarks.ts).
import type { DryRunIssue, DryRunReport, DryRunResult } from '../kube/dry-run-result.js';
import type { MeshSnapshot } from '../kube/mesh-source.js';
import type { ReportedFinding } from '../policy/analyze/analyze-report.js';
import { type Level, LEVEL_RANK } from '../policy/analyze/messages.js';
import { diffCompiled, type DiffReport } from '../policy/diff/access-diff.js';
import { compileMesh } from '../policy/evaluate/compile-mesh.js';
import type { MechanicalEdit } from '../policy/fix/mechanical-edit.js';
import type { MeshFinding } from '../policy/parse/mesh-finding.js';
import { parseDocuments } from '../policy/parse/parse-documents.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import type { Mesh } from '../policy/resources/mesh.js';
import { validateSources } from '../policy/validate/validate-sources.js';
import type { ValidateReport } from '../policy/validate/validate-report.js';
import { auditedCall, ModelUses } from './audit-call.js';
import { callStages } from './call-stages.js';
import { compiledMeshOf } from './compiled-mesh-cache.js';
import type { CallContext, CopilotDeps } from './deps.js';
import { sanitizeUntrusted } from './untrusted-text.js';
import { analyzeFocused } from './focused-analysis.js';
import { type InputError, inputErrorsOf } from './input-errors.js';
import { checkGrounding } from './ground-prose.js';
import { knownNames } from './known-names.js';
import { documentKeys, patchMesh } from './patch-mesh.js';
import { getPrompt, PROMPTS } from './prompt-catalog.js';
import { renderPrompt } from './prompt-template.js';
import { confinedNamespaces, reducedMesh } from './reduced-mesh.js';
import { documentAt, documentNamed, type ReviewFix, ReviewFixes } from './review-fixes.js';

export interface PolicyFileChange {
  /** Repository path of the file. */
  readonly path: string;
  /** The file before the change; absent: the change adds it. */
  readonly before?: string;
  /** The file after the change; absent: the change deletes it. */
  readonly after?: string;
}

export interface ReviewInput {
  /** The mesh the change applies to. Files of `base` with a changed path are replaced. */
  readonly base: MeshSnapshot;
  readonly files: readonly PolicyFileChange[];
  /** Add a model-written note (`explanation`) when a model is configured; default false. */
  readonly useModel?: boolean;
  /** The change's commit message (untrusted): the model sees it as data, next to the facts. */
  readonly commitMessage?: string;
  /** The lowest level of a finding the change introduces that blocks verification; default `error`. */
  readonly failOn?: Level;
}

export interface ReviewComment {
  readonly path: string;
  readonly line: number;
  readonly message: string;
  /** The fix, when it is mechanical: the exact replacement in the file, proven by parsing the result. */
  readonly fix?: ReviewFix;
}

export interface ReviewResult {
  readonly files: readonly string[];
  readonly validation: ValidateReport;
  readonly diff: DiffReport;
  /** Findings on the policies the change adds or edits, in the mesh after the change. */
  readonly findings: readonly ReportedFinding[];
  /** The findings the change introduces (not there before it): these decide the vote. */
  readonly newFindings: readonly ReportedFinding[];
  readonly dryRun: DryRunReport;
  /** Input errors of the base mesh and of the changed files as built. */
  readonly inputErrors: readonly InputError[];
  /** Validation, dry-run, analyzers (no new finding at or above `failOn`) and input all pass. */
  readonly verified: boolean;
  /** Why it is not verified (empty when it is). */
  readonly blockers: readonly string[];
  /** +1 verified, -1 not, 0 when the change touches no Istio security resource. */
  readonly vote: -1 | 0 | 1;
  readonly comments: readonly ReviewComment[];
  /** One line. */
  readonly summary: string;
  /** The review message: the access delta with a witness per row, validation, dry-run, findings. */
  readonly message: string;
  /**
   * With `useModel` and a model: the model's note on the change, grounded as `explain` is (it names
   * nothing outside the review's facts), else `by: template` with `summary` and the reason.
   */
  readonly explanation?: { readonly text: string; readonly by: 'model' | 'template'; readonly fallback?: string };
}

const MAX_ROWS = 25;

function offlineDryRun(validation: ValidateReport, after: { namespaces: ReadonlyMap<string, unknown>; keys: ReadonlySet<string> }): DryRunReport {
  const results: DryRunResult[] = validation.resources
    .filter((r) => r.kind !== '')
    .map((r) => {
      const errors: DryRunIssue[] = r.errors.map((e) => ({ field: e.field, message: e.message }));
      if (errors.length === 0 && after.namespaces.size > 0 && !after.namespaces.has(r.namespace)) errors.push({ field: 'metadata.namespace', message: `namespaces "${r.namespace}" not found in the mesh` });
      if (errors.length === 0 && !after.keys.has(`${r.kind}/${r.namespace}/${r.name}`)) errors.push({ field: '', message: 'the resource could not be applied to the mesh' });
      return { source: r.source, kind: r.kind, namespace: r.namespace, name: r.name, accepted: errors.length === 0, mode: 'offline' as const, errors, warnings: r.warnings.map((w) => ({ field: w.field, message: w.message })) };
    });
  return { results };
}

function commentsFor(paths: ReadonlySet<string>, validation: ValidateReport, findings: readonly ReportedFinding[], inputErrors: readonly InputError[], dryRun: DryRunReport, fixes: ReviewFixes): ReviewComment[] {
  const out: ReviewComment[] = [];
  const lineOf = (source: string): number => Number(/:(\d+)$/.exec(source)?.[1] ?? 1);
  const withFix = (comment: ReviewComment, fix: ReviewFix | undefined): ReviewComment => (fix === undefined ? comment : { ...comment, fix });
  for (const r of validation.resources) {
    const path = r.source.replace(/:\d+$/, '');
    if (!paths.has(path)) continue;
    const fixOf = (edit: MechanicalEdit | undefined): ReviewFix | undefined => (edit === undefined ? undefined : fixes.fixFor(path, documentAt(lineOf(r.source)), edit));
    for (const e of r.errors) out.push(withFix({ path, line: e.line, message: `error ${e.rule}${e.field !== '' ? ` at ${e.field}` : ''}: ${e.message}` }, fixOf(e.edit)));
    for (const w of r.warnings) out.push(withFix({ path, line: w.line, message: `warning ${w.rule}${w.field !== '' ? ` at ${w.field}` : ''}: ${w.message}` }, fixOf(w.edit)));
  }
  for (const f of findings) {
    const path = f.source.replace(/:\d+$/, '');
    if (!paths.has(path)) continue;
    const witness = f.witness !== undefined ? `\nWitness (${f.witness.decision}): ${JSON.stringify(f.witness.request)}` : '';
    const fix = f.edit === undefined || f.resource === null ? undefined : fixes.fixFor(path, documentNamed(f.resource.kind, f.resource.namespace, f.resource.name), f.edit, f.fix);
    out.push(withFix({ path, line: f.line, message: `${f.code} (${f.level}): ${f.message}${f.fix !== undefined ? `\nFix: ${f.fix}` : ''}${witness}` }, fix));
  }
  // Input errors that validation did not already put on that line (a document the engine could not read).
  for (const e of inputErrors) {
    if (!paths.has(e.file) || out.some((c) => c.path === e.file && c.line === e.line && c.message.startsWith('error'))) continue;
    out.push({ path: e.file, line: e.line, message: `error ${e.rule}${e.field !== '' ? ` at ${e.field}` : ''}: ${e.message}` });
  }
  // The API server's own rejections (a server-side dry-run) on the resource's line.
  for (const r of dryRun.results) {
    const path = r.source.replace(/:\d+$/, '');
    if (r.accepted || r.mode !== 'server' || !paths.has(path)) continue;
    for (const e of r.errors) out.push({ path, line: lineOf(r.source), message: `error dry-run (the API server rejects ${r.kind} ${r.namespace}/${r.name})${e.field !== '' ? ` at ${e.field}` : ''}: ${e.message}` });
  }
  return out;
}

function renderMessage(result: Omit<ReviewResult, 'message'>): string {
  const lines = [`gic policy review: ${result.vote === 0 ? 'no Istio security resource changed' : result.verified ? 'verified' : 'NOT verified'}`, ''];
  const s = result.diff.summary;
  lines.push(`Access delta (exact): ${s.granted} granted, ${s.revoked} revoked, ${s.changed} changed`);
  for (const c of result.diff.changes.slice(0, MAX_ROWS)) lines.push(`- ${c.before} -> ${c.after} on ${c.workload.namespace}/${c.workload.name}: ${c.summary}`, `  witness: ${JSON.stringify(c.witness)}`);
  if (result.diff.changes.length > MAX_ROWS) lines.push(`- ... ${result.diff.changes.length - MAX_ROWS} more (run gic diff for all)`);
  const v = result.validation.summary;
  lines.push('', `Validation: ${v.resources} resource(s), ${v.errors} error(s), ${v.warnings} warning(s)`);
  const rejected = result.dryRun.results.filter((r) => !r.accepted);
  lines.push(`Dry-run: ${result.dryRun.results.length === 0 ? 'nothing to dry-run' : rejected.length === 0 ? `accepted (${result.dryRun.results[0]?.mode ?? 'offline'})` : `${rejected.length} rejected (${rejected.map((r) => `${r.kind} ${r.namespace}/${r.name}`).join(', ')})`}`);
  const level = (l: string): number => result.findings.filter((f) => f.level === l).length;
  lines.push(`Findings on the changed policies: ${level('error')} error, ${level('warning')} warning, ${level('info')} info${result.findings.length > 0 ? ` (${[...new Set(result.findings.map((f) => f.code))].join(', ')})` : ''}; introduced by this change: ${result.newFindings.length === 0 ? 'none' : result.newFindings.map((f) => `${f.code} (${f.level}) at ${f.source}`).join(', ')}`);
  if (result.inputErrors.length > 0) lines.push(`Input errors: ${result.inputErrors.length} (${result.inputErrors.slice(0, 3).map((e) => `${e.file}:${e.line} ${e.message}`).join('; ')})`);
  return lines.join('\n');
}

/**
 * What a note on the change may not leave out: every warning or error finding the change introduces,
 * and whether it grants or revokes access (a note that repeats "no access changes" from a commit
 * message while the diff grants access is discarded).
 */
function factsToCover(r: Omit<ReviewResult, 'message' | 'explanation'>): { what: string; words: string[] }[] {
  const findings = [...new Set(r.newFindings.filter((f) => f.level !== 'info').map((f) => f.code))].map((code) => ({ what: `${code}, a finding the change introduces`, words: [code] }));
  const s = r.diff.summary;
  return [
    ...findings,
    ...(s.granted > 0 ? [{ what: `that the change grants access (${s.granted} granted)`, words: ['grant', 'allow', 'gain', 'open', 'let', 'permit', 'enable', 'can now', 'may now'] }] : []),
    ...(s.revoked > 0 ? [{ what: `that the change revokes access (${s.revoked} revoked)`, words: ['revok', 'deny', 'denie', 'lose', 'lost', 'remov', 'block', 'no longer', 'cannot', "can't", 'stop'] }] : []),
  ];
}

/** The review's facts as the model sees them, and the texts its note may repeat. */
function reviewFacts(r: Omit<ReviewResult, 'message' | 'explanation'>): { json: string; texts: string[] } {
  const facts = {
    verdict: r.summary,
    accessDelta: r.diff.summary,
    changes: r.diff.changes.slice(0, MAX_ROWS).map((c) => `${c.before} -> ${c.after} on ${c.workload.namespace}/${c.workload.name}: ${c.summary}`),
    validation: `${r.validation.summary.resources} resource(s), ${r.validation.summary.errors} error(s), ${r.validation.summary.warnings} warning(s)`,
    dryRun: r.dryRun.results.map((x) => `${x.mode} dry-run ${x.accepted ? 'accepted' : 'rejected'} ${x.kind} ${x.namespace}/${x.name}`),
    newFindings: r.newFindings.map((f) => `${f.code} (${f.level}) at ${f.source}: ${f.message}`),
  };
  return { json: JSON.stringify(facts), texts: [facts.verdict, ...facts.changes, facts.validation, ...facts.dryRun, ...facts.newFindings, ...r.files] };
}

async function explainChange(deps: CopilotDeps, ctx: CallContext, review: Omit<ReviewResult, 'message' | 'explanation'>, commitMessage: string | undefined, models: ModelUses, mesh: Mesh): Promise<NonNullable<ReviewResult['explanation']>> {
  const model = deps.model;
  const fallback = (reason: string): NonNullable<ReviewResult['explanation']> => ({ text: review.summary, by: 'template', fallback: reason });
  if (model === undefined) return fallback('no model');
  const ref = PROMPTS.explainChange;
  const facts = reviewFacts(review);
  const prompt = renderPrompt(getPrompt(ref), { facts: facts.json, commitMessage: commitMessage ?? '(none)' });
  let content: string;
  try {
    const response = await model.generate({ messages: prompt.messages, maxTokens: 400, temperature: 0, ...(ctx.signal !== undefined ? { signal: ctx.signal } : {}) });
    models.add({ model: response.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version, promptTokens: response.usage.promptTokens, completionTokens: response.usage.completionTokens });
    if (response.finishReason === 'length') return fallback('the model answer was cut off at the token limit');
    content = response.content;
  } catch (error) {
    if (ctx.signal?.aborted === true) throw error;
    models.add({ model: model.model, endpoint: model.endpoint, promptId: ref.id, promptVersion: ref.version });
    return fallback(`the model failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = sanitizeUntrusted(content, 4_000).text.trim();
  const checked = checkGrounding(text, { factTexts: facts.texts, knownNames: knownNames(deps, mesh), mustCover: factsToCover(review) });
  return checked.ok ? { text, by: 'model' } : fallback(`the model text was discarded: ${checked.reason}`);
}

export async function reviewChange(deps: CopilotDeps, input: ReviewInput, ctx: CallContext): Promise<ReviewResult> {
  const hashed = { base: input.base.resourceVersion, files: input.files, useModel: input.useModel, commitMessage: input.commitMessage, failOn: input.failOn };
  return auditedCall(deps, ctx, 'review', hashed, async (models) => {
    const result = await computeReview(deps, input, ctx, models);
    return {
      value: result,
      outcome: 'ok',
      detail: `reviewed ${result.files.length} file(s): ${result.summary}`,
      evidence: { files: result.files, verified: result.verified, vote: result.vote, accessDelta: result.diff.summary, validationErrors: result.validation.summary.errors, findings: result.findings.map((f) => f.code), newFindings: result.newFindings.map((f) => f.code), dryRun: result.dryRun.results.map((r) => ({ mode: r.mode, accepted: r.accepted })) },
    };
  });
}

/**
 * The review without an audit entry of its own, for a use case that records it in its own entry (the
 * removal of an expired grant is verified with it).
 */
export async function computeReview(deps: CopilotDeps, input: ReviewInput, ctx: CallContext, models: ModelUses = new ModelUses()): Promise<ReviewResult> {
  const stage = callStages(ctx, input.useModel === true ? 6 : 5);
  const base = input.base;
  const paths = new Set(input.files.map((f) => f.path));
  stage('validate', 'parsing and validating the changed files');
  const afterSources = input.files.flatMap((f) => (f.after === undefined ? [] : [{ file: f.path, text: f.after }]));
  const validation = validateSources(afterSources);
  const beforeDocs: ParsedDocument[] = [];
  const afterDocs: ParsedDocument[] = [];
  const parseFindings: MeshFinding[] = [];
  for (const f of input.files) {
    if (f.before !== undefined) beforeDocs.push(...parseDocuments(f.before, f.path).documents);
    if (f.after !== undefined) {
      const parsed = parseDocuments(f.after, f.path);
      afterDocs.push(...parsed.documents);
      parseFindings.push(...parsed.findings);
    }
  }
  // The objects of the old versions, and of base documents read from the same paths, leave the mesh.
  const baseSameFile = base.documents.filter((d) => paths.has(d.file));
  const removed = new Set([...documentKeys(beforeDocs), ...documentKeys(baseSameFile)]);
  const baseHasBefore = input.files.every((f) => f.before === undefined || baseSameFile.some((d) => d.file === f.path));

  stage('diff', 'building the meshes before and after the change and diffing them');
  const beforeMesh = baseHasBefore ? base.mesh : patchMesh(base.mesh, base.documents, removed, beforeDocs).mesh;
  const changedKeys = new Set([...removed, ...documentKeys(afterDocs)]);
  const afterPatched = patchMesh(base.mesh, base.documents, changedKeys, afterDocs);
  // A change confined to a few namespaces is diffed on the part of the mesh that decides for them.
  const confined = afterPatched.patched ? confinedNamespaces(base.mesh, changedKeys) : undefined;
  const diff =
    confined !== undefined
      ? diffCompiled(compileMesh(reducedMesh(beforeMesh, confined)), compileMesh(reducedMesh(afterPatched.mesh, confined)))
      : diffCompiled(compiledMeshOf(beforeMesh), compileMesh(afterPatched.mesh));

  stage('analyze', 'running the analyzers on the changed policies');
  const changedPolicies = new Set([...documentKeys(afterDocs)].filter((k) => k.startsWith('AuthorizationPolicy/')).map((k) => k.slice('AuthorizationPolicy/'.length)));
  const findings = analyzeFocused({ mesh: afterPatched.mesh, documents: afterDocs, policies: changedPolicies, now: deps.clock() });
  const key = (f: ReportedFinding): string => `${f.code}\0${f.resource === null ? '' : `${f.resource.kind}/${f.resource.namespace}/${f.resource.name}`}\0${f.field}\0${f.message}`;
  const already = new Set(analyzeFocused({ mesh: beforeMesh, documents: beforeDocs, policies: changedPolicies, now: deps.clock() }).map(key));
  const newFindings = findings.filter((f) => !already.has(key(f)));

  stage('dry-run', deps.dryRun !== undefined ? 'server-side dry-run against the cluster' : 'offline dry-run against the mesh');
  const afterKeys = new Set([
    ...afterPatched.mesh.authorizationPolicies.map((p) => `${p.kind}/${p.namespace}/${p.name}`),
    ...afterPatched.mesh.peerAuthentications.map((p) => `${p.kind}/${p.namespace}/${p.name}`),
    ...afterPatched.mesh.requestAuthentications.map((p) => `${p.kind}/${p.namespace}/${p.name}`),
  ]);
  const dryRun = deps.dryRun !== undefined ? await deps.dryRun(afterSources, ctx.signal === undefined ? {} : { signal: ctx.signal }) : offlineDryRun(validation, { namespaces: afterPatched.mesh.namespaces, keys: afterKeys });

  const inputErrors = [...inputErrorsOf(base.findings), ...inputErrorsOf([...parseFindings, ...afterPatched.findings])];
  const touchesSecurity = validation.resources.some((r) => r.kind !== '') || [...removed].some((k) => /^(AuthorizationPolicy|PeerAuthentication|RequestAuthentication)\//.test(k));
  const failOn = input.failOn ?? 'error';
  const blockingFindings = newFindings.filter((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[failOn]);
  const blockers = [
    ...(validation.summary.errors > 0 ? [`${validation.summary.errors} validation error(s)`] : []),
    ...(dryRun.results.some((r) => !r.accepted) ? [`the dry-run rejects ${dryRun.results.filter((r) => !r.accepted).length} resource(s)`] : []),
    ...(blockingFindings.length > 0 ? [`findings introduced at or above ${failOn}: ${[...new Set(blockingFindings.map((f) => `${f.code} (${f.level})`))].join(', ')}`] : []),
    ...(inputErrors.length > 0 ? [`${inputErrors.length} input error(s): the engine could not read part of the input`] : []),
  ];
  const verified = blockers.length === 0;
  // Fail closed: a changed file the engine could not read is never "nothing to vote on".
  const changedInputErrors = inputErrors.filter((e) => paths.has(e.file));
  const vote: -1 | 0 | 1 = !touchesSecurity && validation.summary.errors === 0 && changedInputErrors.length === 0 ? 0 : verified ? 1 : -1;
  const fixes = new ReviewFixes(new Map(input.files.flatMap((f) => (f.after === undefined ? [] : [[f.path, f.after] as const]))), afterDocs);
  const comments = commentsFor(paths, validation, findings, changedInputErrors, dryRun, fixes);
  const s = diff.summary;
  const summary = `${verified ? 'verified' : 'not verified'}: ${s.granted} granted, ${s.revoked} revoked, ${s.changed} changed; ${validation.summary.errors} validation error(s); ${findings.length} finding(s)`;
  const partial = { files: [...paths], validation, diff, findings, newFindings, dryRun, inputErrors, verified, blockers, vote, comments, summary };
  let explanation: ReviewResult['explanation'];
  if (input.useModel === true && deps.model !== undefined) {
    stage('model', 'asking the model for a note on the change');
    explanation = await explainChange(deps, ctx, partial, input.commitMessage, models, afterPatched.mesh);
  }
  return { ...partial, message: renderMessage(partial), ...(explanation !== undefined ? { explanation } : {}) };
}
