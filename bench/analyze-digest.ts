// Prints a digest of every finding `gic analyze` gives on the bench mesh (full run and an incremental
// session after edits), to check that a performance change leaves the results identical.
// Usage: npx tsx bench/analyze-digest.ts [--seed N]
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';

import { ALL_ANALYZERS } from '../src/policy/analyze/all.js';
import { snapshotFromDocuments } from '../src/policy/analyze/analysis-snapshot.js';
import { AnalysisSession } from '../src/policy/analyze/analysis-session.js';
import { runAnalyzers } from '../src/policy/analyze/run-analyzers.js';
import { parseDocuments } from '../src/policy/parse/parse-documents.js';
import type { ParsedDocument } from '../src/policy/parse/parsed-document.js';
import { generateMesh } from './generate-mesh.js';

const { values } = parseArgs({ options: { seed: { type: 'string' } } });
const generated = generateMesh(Number(values.seed ?? 20261125));
const documents: ParsedDocument[] = [];
for (const s of generated.sources) documents.push(...parseDocuments(s.text, s.file).documents);
const snapshot = snapshotFromDocuments(documents);
const digest = (x: unknown): string => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
const full = runAnalyzers(snapshot, ALL_ANALYZERS);
process.stdout.write(`full: ${full.findings.length} findings ${digest(full)} inputFindings ${digest(snapshot.inputFindings)}\n`);
const session = new AnalysisSession(snapshot, ALL_ANALYZERS);
const policies = snapshot.mesh.authorizationPolicies.filter((p) => p.namespace !== snapshot.mesh.meshConfig.rootNamespace);
for (let i = 0; i < 5; i++) {
  const p = policies[(i * 7919) % policies.length]!;
  session.upsert({ file: `edit-${i}.yaml`, text: `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${p.name}, namespace: ${p.namespace}}\nspec:\n  rules:\n  - from:\n    - source: {principals: ["cluster.local/ns/${p.namespace}/sa/x*", "*sa/nobody"]}\n` });
}
process.stdout.write(`session: ${session.findings().length} findings ${digest(session.findings())}\n`);
