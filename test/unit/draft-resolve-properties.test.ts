// Properties of draft name resolution against arbitrary model output (what a confused or manipulated
// model may return): it never throws; it proposes an intent only when there are no questions; every
// intent it proposes is a valid Intent whose workload, namespaces, service accounts and groups exist
// and were written by the person; a caller the person did not write is never in an intent; a target
// whose namespace was repaired keeps the workload name the model wrote; every port was written by the person.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { compiledMeshOf } from '../../src/copilot/compiled-mesh-cache.js';
import type { DraftExtraction } from '../../src/copilot/draft-extraction.js';
import { resolveDraft } from '../../src/copilot/draft-resolve.js';
import { mentionsExactly, normaliseText } from '../../src/copilot/name-mentions.js';
import { IntentSchema } from '../../src/policy/compile/intent.js';
import type { CompiledMesh } from '../../src/policy/evaluate/compile-mesh.js';
import { copilotDeps, NOW } from '../support/copilot-fixture.js';
import { GeneratorCoverage } from '../support/generator-coverage.js';

const GROUPS = ['release-managers', 'release-captains', 'ci-admins', 'developers', 'docs-writers'];
let compiled: CompiledMesh;
beforeAll(async () => {
  const mesh = (await copilotDeps()).mesh?.snapshot().mesh;
  if (mesh === undefined) throw new Error('no mesh');
  compiled = compiledMeshOf(mesh);
});

const word = fc.constantFrom('builds', 'build-trigger', 'artifact-store', 'ci', 'build-runner', 'gerrit', 'docs', 'docs-site', 'release-managers', 'ci-admins', 'developers', 'payroll', 'build-triger', 'ci/build-runner', 'gerrit/gerrit', 'anyone', 'everyone', 'logged-in', '');
const caller = fc.record({ kind: fc.constantFrom('group', 'serviceAccount', 'namespace', 'anyAuthenticatedUser', 'anyone'), name: fc.option(word, { nil: undefined }) }, { requiredKeys: ['kind'] });
const extraction: fc.Arbitrary<DraftExtraction> = fc.record(
  {
    action: fc.constantFrom('allow', 'deny'),
    who: fc.array(caller, { maxLength: 3 }),
    exceptWho: fc.array(caller, { maxLength: 2 }),
    namespace: word,
    workload: word,
    methods: fc.array(fc.constantFrom('GET', 'post', 'DELETE', 'FETCH', ''), { maxLength: 3 }),
    paths: fc.array(fc.constantFrom('/api/builds', 'api/builds', '/x/*', '*', ''), { maxLength: 3 }),
    ports: fc.array(fc.integer({ min: 1, max: 65535 }), { maxLength: 2 }),
    duration: fc.constantFrom('until Friday', 'for 2 hours', 'someday', ''),
    questions: fc.array(fc.string({ maxLength: 40 }), { maxLength: 2 }),
  },
  { requiredKeys: ['action', 'who'] },
) as fc.Arbitrary<DraftExtraction>;
const personText = fc.array(word, { minLength: 2, maxLength: 8 }).map((ws) => `please ${ws.join(' ')} now`);
/** Mostly plausible answers (real names, valid operations), so that many of them resolve. */
const plausible: fc.Arbitrary<DraftExtraction> = fc.record({
  action: fc.constantFrom('allow', 'deny'),
  who: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('group' as const), name: fc.constantFrom('release-managers', 'ci-admins', 'developers', 'payroll') }),
      fc.record({ kind: fc.constant('serviceAccount' as const), name: fc.constantFrom('ci/build-runner', 'gerrit/gerrit', 'ci/nobody') }),
      fc.record({ kind: fc.constant('namespace' as const), name: fc.constantFrom('ci', 'gerrit', 'nowhere') }),
      fc.record({ kind: fc.constantFrom('anyone' as const, 'anyAuthenticatedUser' as const) }),
    ),
    { minLength: 1, maxLength: 2 },
  ),
  // 'ci' and 'gerrit': the caller's namespace written as the target's (repaired only to a workload the person named).
  namespace: fc.constantFrom('builds', '', 'ci', 'gerrit'),
  workload: fc.constantFrom('build-trigger', 'artifact-store'),
  methods: fc.constantFrom(['POST'], ['GET', 'HEAD'], []),
  paths: fc.constantFrom(['/api/builds'], []),
}) as fc.Arbitrary<DraftExtraction>;

/** A person's text that names what the plausible answer names (plus noise), so that grounded answers resolve. */
const groundedText = (e: DraftExtraction): fc.Arbitrary<string> =>
  fc.array(word, { maxLength: 4 }).map((noise) => {
    const names = [...e.who.map((c) => c.name ?? c.kind), e.workload ?? '', e.namespace ?? ''].filter((n) => n !== '');
    return `please let ${names.join(' and ')} ${[...(e.methods ?? []), ...(e.paths ?? [])].join(' ')} ${noise.join(' ')} now`;
  });
const answerAndText = fc.oneof(
  { arbitrary: fc.tuple(extraction, personText), weight: 1 },
  { arbitrary: fc.tuple(plausible, personText), weight: 1 },
  { arbitrary: plausible.chain((e) => fc.tuple(fc.constant(e), groundedText(e))), weight: 2 },
);

describe('draft resolution properties', () => {
  it('never proposes a name that does not exist or that the person did not write', () => {
    const coverage = new GeneratorCoverage('draft resolution');
    fc.assert(
      fc.property(answerAndText, ([e, text]) => {
        const r = resolveDraft({ extraction: e, personText: text, compiled, groupNames: GROUPS, now: NOW, candidateWorkloads: [], candidateGroups: [] });
        coverage.note({ proposed: r.intent !== undefined, questioned: r.questions.length > 0, repaired: r.intent !== undefined && e.namespace !== undefined && e.namespace !== '' && r.intent.target.namespace !== e.namespace });
        if (r.intent === undefined) return;
        expect(r.questions).toEqual([]);
        expect(IntentSchema.safeParse(r.intent).success).toBe(true);
        const t = normaliseText(text);
        const target = compiled.workloadsByNamespace.get(r.intent.target.namespace)?.get(r.intent.target.workload ?? '');
        expect(target).toBeDefined();
        // A repaired target keeps the workload name the model wrote; only its namespace changes.
        if (e.workload !== undefined && !e.workload.includes('/')) expect(r.intent.target.workload).toBe(e.workload);
        expect(mentionsExactly(t, r.intent.target.workload ?? '') || mentionsExactly(t, `${r.intent.target.namespace}/${r.intent.target.workload ?? ''}`)).toBe(true);
        for (const s of [...r.intent.subjects, ...(r.intent.except ?? [])]) {
          if ('gerritGroup' in s) expect(GROUPS.includes(s.gerritGroup) && mentionsExactly(t, s.gerritGroup)).toBe(true);
          if ('namespace' in s) expect(compiled.mesh.namespaces.has(s.namespace) && mentionsExactly(t, s.namespace)).toBe(true);
          if ('serviceAccount' in s) expect(compiled.mesh.workloads.some((w) => `${w.namespace}/${w.serviceAccount}` === s.serviceAccount) || compiled.mesh.serviceAccounts.some((a) => `${a.namespace}/${a.name}` === s.serviceAccount)).toBe(true);
          if ('anyone' in s) expect(/\b(anyone|everyone)\b/.test(text)).toBe(true);
        }
        // Every port of the intent is a number the person wrote.
        for (const port of (r.intent.operations ?? []).flatMap((o) => o.ports ?? [])) expect(new RegExp(`(^|[^0-9])${port}([^0-9]|$)`).test(text)).toBe(true);
      }),
      { numRuns: 400 },
    );
    // The property is not vacuous: a fair share of extractions resolve to an intent, and many ask.
    coverage.expectShares({ proposed: 0.15, questioned: 0.2, repaired: 0.03 }, 400);
  });
});
