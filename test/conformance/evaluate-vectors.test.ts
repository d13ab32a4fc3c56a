// Table-driven conformance of `evaluateRequest` against the portable fixtures in
// test/fixtures/istio/evaluate/<topic>.yaml (each case: note, resources as YAML, requests with the
// expected decision). They cover every vector of docs/reference/istio-authz.md §7.1-§7.8 plus rules
// derived from Istio's source. Meshes are built with the parser (`parseMesh`), as `gic check` does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

import { AccessRequestSchema } from '../../src/policy/evaluate/access-request.js';
import { compileMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { evaluateRequest } from '../../src/policy/evaluate/evaluate-request.js';
import { parseMesh } from '../../src/policy/parse/parse-mesh.js';
import { missingDocSections } from '../support/doc-anchors.js';

const FIXTURES = join(import.meta.dirname, '../fixtures/istio/evaluate');

const ExpectedReasonSchema = z.strictObject({
  policy: z.string(),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM', 'MTLS', 'JWT']).optional(),
  rule: z.number().int().optional(),
});

const CaseRequestSchema = z.strictObject({
  note: z.string().optional(),
  request: z.unknown(),
  expect: z.enum(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']),
  protocol: z.enum(['http', 'grpc', 'tcp']).optional(),
  provider: z.string().optional(),
  reason: ExpectedReasonSchema.optional(),
});

const FixtureSchema = z.strictObject({
  note: z.string(),
  /** The section of docs/semantics.md the expectations come from. */
  semantics: z.string().regex(/^docs\/semantics\.md#[\w-]+$/),
  base: z.string().optional(),
  cases: z.array(
    z.strictObject({
      note: z.string(),
      resources: z.string(),
      requests: z.array(CaseRequestSchema).min(1),
    }),
  ),
});

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('evaluate conformance vectors', () => {
  it('has fixture files', () => {
    expect(files.length).toBeGreaterThan(5);
  });
  for (const file of files) {
    const fixture = FixtureSchema.parse(parse(readFileSync(join(FIXTURES, file), 'utf8')));
    describe(`${file}: ${fixture.note}`, () => {
      it(`cites an existing section of docs/semantics.md (${fixture.semantics})`, () => {
        expect(missingDocSections([fixture.semantics])).toEqual([]);
      });
      for (const c of fixture.cases) {
        it(c.note, () => {
          const text = [fixture.base ?? '', c.resources].filter((t) => t.trim() !== '').join('\n---\n');
          const { mesh, findings } = parseMesh([{ file: `${file}#${c.note}`, text }]);
          const yamlErrors = findings.filter((f) => f.rule.startsWith('yaml.'));
          expect(yamlErrors, 'fixture YAML parses').toEqual([]);
          const compiled = compileMesh(mesh);
          c.requests.forEach((r, i) => {
            const request = AccessRequestSchema.parse(r.request);
            const label = `${c.note} / request ${i}${r.note ? ` (${r.note})` : ''}: ${JSON.stringify(r.request)}`;
            const decision = evaluateRequest(compiled, request);
            expect(decision.decision, `${label}\ntrace:\n${decision.trace.join('\n')}\nreasons: ${JSON.stringify(decision.reasons)}`).toBe(r.expect);
            expect(decision.trace.length, label).toBeGreaterThan(0);
            if (r.protocol !== undefined) expect(decision.protocol, label).toBe(r.protocol);
            if (r.expect === 'CONDITIONAL') expect(decision.provider, label).toBe(r.provider);
            else expect(decision.provider, label).toBeUndefined();
            if (r.reason !== undefined) expect(decision.reasons, label).toContainEqual(expect.objectContaining(r.reason));
            if (r.expect !== 'ALLOW') expect(decision.reasons.length, `${label}: a refusal names its reasons`).toBeGreaterThan(0);
            const fast = evaluateRequest(compiled, request, { trace: false });
            expect({ ...fast, trace: [] }, `${label}: trace off decides alike`).toEqual({ ...decision, trace: [] });
            expect(fast.trace).toEqual([]);
          });
        });
      }
    });
  }
});
