// Benchmarks of the copilot (src/copilot) on the generated bench mesh (bench/generate-mesh.ts):
//   prompt tokens per task   <= 4,000 (worst task): the draft prompt (system, context, conversation,
//                            request) and the explain prompt for typical tasks, as rendered from
//                            prompts/ with exactly the context the use case selects. Counted with the
//                            model's tokenizer when `--tokenizer-url` names a llama.cpp server
//                            (POST /tokenize), else estimated as ceil(chars / 3) + 4 per message: BPE
//                            tokenizers of the Qwen/Llama family average 3.5-4.5 characters per token
//                            on English and about 3 on the paths, names and JSON these prompts hold,
//                            so the estimate errs high. The JSON Schema of the draft is counted apart
//                            (servers with constrained decoding do not put it in the prompt; the
//                            prompt dialect does).
//   review one policy edit   < 1,000 ms (median of the edits): `review` (validation, patched mesh,
//                            exact diff, analyzers on the changed policies, offline dry-run) of one
//                            policy file edit against the bench mesh held by a long-running process
//                            (its compiled form is warm, as in the review bot), without a model.
// Usage: npx tsx bench/copilot-benchmarks.ts [--seed N] [--edits N] [--tokenizer-url URL]. Prints
// one JSON document {results: [...]} on stdout; progress on stderr.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { stringify } from 'yaml';

import { compiledMeshOf } from '../src/copilot/compiled-mesh-cache.js';
import type { CopilotDeps } from '../src/copilot/deps.js';
import { renderDraftPrompt } from '../src/copilot/draft-policy.js';
import { renderExplainPrompt } from '../src/copilot/explain-access.js';
import { DraftExtractionSchema } from '../src/copilot/draft-extraction.js';
import { findingFacts, policyFacts, requestFacts, workloadFacts } from '../src/copilot/explain-facts.js';
import { analyzeFocused } from '../src/copilot/focused-analysis.js';
import { reviewChange } from '../src/copilot/review-change.js';
import { snapshotFromTexts } from '../src/kube/file-mesh-source.js';
import { silentLogger } from '../src/log.js';
import type { ChatMessage } from '../src/model/chat-model.js';
import { jsonSchemaOf } from '../src/model/generate-object.js';
import type { GerritGroup } from '../src/policy/resources/group-directory.js';
import type { AuthorizationPolicy } from '../src/policy/resources/mesh.js';
import { openSqliteStore } from '../src/store/sqlite-store.js';
import type { ConversationTurn } from '../src/store/store.js';
import { generateMesh } from './generate-mesh.js';
import { type BenchResult, roundFigure } from './bench-results.js';

const { values } = parseArgs({ options: { seed: { type: 'string' }, edits: { type: 'string' }, 'tokenizer-url': { type: 'string' } } });
const seed = Number(values.seed ?? 20261125);
const progress = (message: string): void => void process.stderr.write(`[copilot-bench] ${message}\n`);

const results: BenchResult[] = [];
const round = (n: number): number => roundFigure(n, 1);

const tokenizerUrl = values['tokenizer-url'];
/** Tokens of a chat prompt: the server's tokenizer, or the documented estimate. */
async function promptTokens(messages: readonly ChatMessage[]): Promise<{ tokens: number; chars: number; counted: 'tokenizer' | 'estimate' }> {
  const chars = messages.reduce((n, m) => n + m.content.length, 0);
  if (tokenizerUrl !== undefined) {
    let tokens = 0;
    for (const m of messages) {
      const response = await fetch(`${tokenizerUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/tokenize`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ content: m.content }) });
      tokens += ((await response.json()) as { tokens: unknown[] }).tokens.length + 4;
    }
    return { tokens, chars, counted: 'tokenizer' };
  }
  return { tokens: messages.reduce((n, m) => n + Math.ceil(m.content.length / 3) + 4, 0), chars, counted: 'estimate' };
}

progress(`generating the bench mesh (seed ${seed})`);
const generated = generateMesh(seed);
const snapshot = snapshotFromTexts(generated.sources, 1);
const mesh = snapshot.mesh;
let t = performance.now();
const compiled = compiledMeshOf(mesh);
progress(`compiled the mesh in ${Math.round(performance.now() - t)} ms`);

// A Gerrit directory for the bench: the groups the bench policies name, with descriptions, and many
// other teams, so that picking only the mentioned groups matters.
const benchGroups: GerritGroup[] = [
  ...['gerrit-admins', 'release-managers', 'ci-admins', 'developers', 'reviewers', 'auditors', 'oncall'].map((name, i) => ({ uuid: `${i}`.padStart(40, 'a'), name, description: `The ${name.replace('-', ' ')} of the company`, members: [], includes: [] })),
  ...Array.from({ length: 300 }, (_, i) => ({ uuid: `${i}`.padStart(40, 'b'), name: `team-${i}`, description: `Engineering team ${i}`, members: [], includes: [] })),
];

// Typical tasks, named with real objects of the bench mesh.
const workloads = generated.workloads.filter((w) => w.mode === 'sidecar');
const pick = (i: number): (typeof workloads)[number] => workloads[(i * 131 + seed) % workloads.length] as (typeof workloads)[number];
const [a, b, c, d, e] = [pick(1), pick(2), pick(3), pick(4), pick(5)];
if (a === undefined || b === undefined || c === undefined || d === undefined || e === undefined) throw new Error('no workloads');
const draftTasks: { name: string; text: string; conversation?: string }[] = [
  { name: 'group grant with a time limit', text: `Let release-managers POST /api/v1/items on ${a.namespace}/${a.name} until Friday` },
  { name: 'service account grant', text: `allow ${b.namespace}/${b.serviceAccount} to GET /metrics on ${c.name} in namespace ${c.namespace}` },
  { name: 'deny', text: `deny anyone DELETE /admin* on ${d.namespace}/${d.name}` },
  { name: 'read access for 2 hours', text: `give ci-admins read access (GET) to ${e.name} in ${e.namespace} for 2 hours` },
  { name: 'port grant', text: `let the developers group call ${a.name} in ${a.namespace} on port ${a.ports[0]?.port ?? 8080}` },
  { name: 'ambiguous workload name', text: `let auditors GET /api/v1/items on ${a.name}` },
  {
    name: 'answer in a conversation',
    text: `I meant ${a.namespace}/${a.name}, and only GET`,
    conversation: `person: let auditors GET /api/v1/items on ${a.name}\ngic: There is a workload "${a.name}" in many namespaces. Which one? (${generated.workloads.filter((w) => w.name === a.name).slice(0, 8).map((w) => `${w.namespace}/${w.name}`).join(', ')})`,
  },
];

const schemaChars = JSON.stringify(jsonSchemaOf(DraftExtractionSchema)).length;
const taskFigures: Record<string, unknown>[] = [];
let worst = 0;
for (const task of draftTasks) {
  const person = task.conversation === undefined ? task.text : `${task.conversation}\n${task.text}`;
  t = performance.now();
  const earlier: ConversationTurn[] = task.conversation === undefined ? [] : task.conversation.split('\n').map((line) => ({ role: line.startsWith('person: ') ? 'user' : 'assistant', text: line.replace(/^(person|gic): /, ''), time: '' }));
  const { context, messages } = renderDraftPrompt(person, earlier, task.text, compiled, benchGroups, new Date('2026-11-25T10:30:00Z'));
  const contextMs = performance.now() - t;
  const counted = await promptTokens(messages);
  worst = Math.max(worst, counted.tokens);
  taskFigures.push({ task: `draft: ${task.name}`, tokens: counted.tokens, chars: counted.chars, withSchemaInPrompt: counted.tokens + Math.ceil(schemaChars / 3), workloads: context.workloads.length, groups: context.groups.length, contextMs: round(contextMs) });
  progress(`draft "${task.name}": ${counted.tokens} tokens (${counted.counted}), ${context.workloads.length} workloads, ${context.groups.length} groups in the context`);
}

// Explain: a request's decision, a policy, a workload, with their findings as facts.
const policy = mesh.authorizationPolicies.find((p) => p.namespace === a.namespace && (p.spec.rules?.length ?? 0) > 2) ?? (mesh.authorizationPolicies[0] as AuthorizationPolicy);
const target = compiled.workloadsByNamespace.get(a.namespace)?.get(a.name);
if (target === undefined) throw new Error('no target');
const explainTasks = [
  { name: 'request decision', kind: 'request' as const, set: requestFacts(compiled, { to: { namespace: a.namespace, workload: a.name, port: a.ports[0]?.port ?? 8080 }, from: { namespace: b.namespace, workload: b.name }, method: 'POST', path: '/api/v1/items' }) },
  { name: 'policy', kind: 'policy' as const, set: policyFacts(compiled, policy) },
  { name: 'workload', kind: 'workload' as const, set: workloadFacts(compiled, target) },
];
for (const task of explainTasks) {
  const findings = analyzeFocused({ mesh, policies: task.set.policies, workloads: task.set.workloads });
  const facts = [...task.set.facts, ...findingFacts(findings)];
  const { messages, sent } = renderExplainPrompt(task.kind, facts, task.set.decision);
  const counted = await promptTokens(messages);
  worst = Math.max(worst, counted.tokens);
  taskFigures.push({ task: `explain: ${task.name}`, tokens: counted.tokens, chars: counted.chars, facts: facts.length, factsInPrompt: sent.length });
  progress(`explain "${task.name}": ${counted.tokens} tokens (${counted.counted}), ${sent.length} of ${facts.length} facts`);
}
results.push({
  name: 'copilot-prompt-tokens-worst-task',
  value: worst,
  unit: 'tokens',
  target: { max: 4_000 },
  pass: worst <= 4_000,
  details: { counted: tokenizerUrl !== undefined ? 'tokenizer' : 'estimate: ceil(chars / 3) + 4 per message', draftSchemaChars: schemaChars, tasks: taskFigures },
});

// Review of one policy edit, as the review bot runs it: the bench mesh is the base (a long-running
// process holds it and its compiled form), the change edits one AuthorizationPolicy in a policy file.
const dataDir = mkdtempSync(join(tmpdir(), 'gic-copilot-bench-'));
try {
  const store = await openSqliteStore({ dataDir, synchronous: 'normal' });
  const deps: CopilotDeps = { store, clock: () => new Date('2026-11-25T10:30:00Z'), logger: silentLogger, settings: { groupsClaim: { claim: 'groups', valueKind: 'name' } } };
  const candidates = mesh.authorizationPolicies.filter((p) => p.spec.action !== 'CUSTOM' && p.namespace !== mesh.meshConfig.rootNamespace && (p.spec.rules?.length ?? 0) > 0);
  const editCount = Number(values.edits ?? 8);
  const timings: { policy: string; ms: number; cpuMs: number; changes: number; findings: number }[] = [];
  const text = (p: AuthorizationPolicy, spec: unknown): string => stringify({ apiVersion: p.apiVersion, kind: 'AuthorizationPolicy', metadata: { name: p.name, namespace: p.namespace, ...(Object.keys(p.annotations).length > 0 ? { annotations: p.annotations } : {}) }, spec }, { lineWidth: 0 });
  for (let k = -1; k < editCount; k++) {
    const p = candidates[((k + 1) * 397 + seed) % candidates.length] as AuthorizationPolicy;
    const edited = { ...p.spec, rules: [...(p.spec.rules ?? []), { from: [{ source: { principals: ['bench.example.com/ns/ci/sa/runner'] } }], to: [{ operation: { methods: ['POST'], paths: ['/api/builds'] } }] }] };
    const file = `policies/${p.namespace}/${p.name}.yaml`;
    const cpu = process.cpuUsage();
    const start = performance.now();
    const review = await reviewChange(deps, { base: snapshot, files: [{ path: file, before: text(p, p.spec), after: text(p, edited) }] }, { actor: 'bot:bench' });
    const ms = performance.now() - start;
    const used = process.cpuUsage(cpu);
    // The first review is a warm-up (module loading, JIT), not counted.
    if (k >= 0) timings.push({ policy: `${p.namespace}/${p.name}`, ms: round(ms), cpuMs: round((used.user + used.system) / 1000), changes: review.diff.changes.length, findings: review.findings.length });
    progress(`review of ${p.namespace}/${p.name}${k < 0 ? ' (warm-up)' : ''}: ${Math.round(ms)} ms, ${review.diff.changes.length} changes, vote ${review.vote}`);
  }
  await store.close();
  const sorted = timings.map((x) => x.ms).sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  const cpuSorted = timings.map((x) => x.cpuMs).sort((x, y) => x - y);
  // Wall time is the target; CPU time says what it would be on an idle machine (see bench/README.md).
  results.push({ name: 'copilot-review-one-policy-edit-median', value: median, unit: 'ms', target: { max: 1_000 }, pass: median < 1_000, details: { worstMs: sorted.at(-1), medianCpuMs: cpuSorted[Math.floor(cpuSorted.length / 2)], edits: timings } });
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
