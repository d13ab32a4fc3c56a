// Smoke test of gic's model client against a real small model (Qwen2.5-Coder-Instruct Q4_K_M on llama.cpp's
// llama-server): structured-output extraction of an access intent, the one job a 1.5B model is trusted
// with (docs/reference/platform.md §5.5). Five tasks on the demo mesh's names. Each answer must come back
// through generateObject as a schema-valid value (or a clear model-invalid-output failure); the suite then
// requires a floor of exact extractions and prints pass count, latency and tokens as one JSON line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

import { EgressGuard } from '../../src/model/egress-guard.js';
import { generateObject } from '../../src/model/generate-object.js';
import { ModelError } from '../../src/model/model-error.js';
import { OpenAiChatModel } from '../../src/model/openai-chat-model.js';
import { realModelOrSkip } from './real-model.js';

const GROUPS = ['release-managers', 'release-captains', 'ci-admins', 'build-cops', 'developers', 'security-reviewers', 'oncall-sre', 'docs-writers'] as const;
const WORKLOADS = {
  'ci/build-runner': 'runs CI builds',
  'ci/release-runner': 'cuts releases',
  'ci/ci-dashboard': 'CI status pages',
  'builds/build-trigger': 'starts builds',
  'builds/artifact-store': 'stores build artifacts',
  'docs/docs-site': 'documentation site',
  'reports/reports-api': 'reports API',
  'monitoring/prometheus': 'metrics',
} as const;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const IntentSchema = z.strictObject({
  action: z.enum(['allow', 'deny']),
  groups: z.array(z.enum(GROUPS)).min(1),
  workload: z.enum(Object.keys(WORKLOADS) as [keyof typeof WORKLOADS, ...(keyof typeof WORKLOADS)[]]),
  methods: z.array(z.enum(METHODS)).min(1),
  // A pattern the grammar enforces (llama.cpp turns ^...$ patterns into grammar rules): paths start with /.
  paths: z.array(z.string().regex(/^\/[^ ]*$/, 'a path starts with / and has no spaces')).min(1),
});
type Intent = z.infer<typeof IntentSchema>;

const SYSTEM = [
  'You turn a request for access in a service mesh into a JSON intent. Use only these names.',
  `Gerrit groups: ${GROUPS.join(', ')}.`,
  `Workloads (namespace/name: what it does): ${Object.entries(WORKLOADS)
    .map(([name, what]) => `${name}: ${what}`)
    .join('; ')}.`,
  'action is "allow" or "deny"; methods are HTTP methods; paths are the URL paths the request names, as written.',
].join('\n');

interface Task {
  readonly request: string;
  readonly expected: Intent;
}

const TASKS: readonly Task[] = [
  { request: 'Let release-managers trigger builds: POST /api/builds on the build-trigger workload.', expected: { action: 'allow', groups: ['release-managers'], workload: 'builds/build-trigger', methods: ['POST'], paths: ['/api/builds'] } },
  { request: 'Developers should be able to download artifacts with GET on /artifacts/* from the artifact store.', expected: { action: 'allow', groups: ['developers'], workload: 'builds/artifact-store', methods: ['GET'], paths: ['/artifacts/*'] } },
  { request: 'Deny docs-writers any DELETE on /api/reports/* of the reports API.', expected: { action: 'deny', groups: ['docs-writers'], workload: 'reports/reports-api', methods: ['DELETE'], paths: ['/api/reports/*'] } },
  { request: 'oncall-sre and build-cops need GET on /metrics of prometheus.', expected: { action: 'allow', groups: ['oncall-sre', 'build-cops'], workload: 'monitoring/prometheus', methods: ['GET'], paths: ['/metrics'] } },
  { request: 'Allow ci-admins to POST and PUT /api/releases on the release runner.', expected: { action: 'allow', groups: ['ci-admins'], workload: 'ci/release-runner', methods: ['POST', 'PUT'], paths: ['/api/releases'] } },
];

/** At least this many of the five must be extracted exactly (override with GIC_REAL_MODEL_MIN_PASS). */
const MIN_PASS = Number(process.env['GIC_REAL_MODEL_MIN_PASS'] ?? '4');

interface Outcome {
  readonly task: number;
  readonly exact: boolean;
  readonly rounds: number | null;
  readonly ms: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly error?: string;
  readonly raw?: string;
  readonly value?: unknown;
}

const sorted = (values: readonly string[]): string[] => [...values].sort();
function sameIntent(a: Intent, b: Intent): boolean {
  return a.action === b.action && a.workload === b.workload && JSON.stringify(sorted(a.groups)) === JSON.stringify(sorted(b.groups)) && JSON.stringify(sorted(a.methods)) === JSON.stringify(sorted(b.methods)) && JSON.stringify(sorted(a.paths)) === JSON.stringify(sorted(b.paths));
}

const real = realModelOrSkip();

describe.skipIf(real === undefined)('real model: intent extraction with structured output', () => {
  let model: OpenAiChatModel;
  const outcomes: Outcome[] = [];

  beforeAll(() => {
    if (real === undefined) return;
    model = new OpenAiChatModel({ baseUrl: real.baseUrl, model: real.model, guard: new EgressGuard(), timeoutMs: 300_000, concurrency: 1, retry: { maxRetries: 0 } });
  });
  afterAll(async () => {
    await model?.close();
  });

  it.each(TASKS.map((task, index) => ({ ...task, index })))('task $index: $request', async ({ request, expected, index }) => {
    const started = performance.now();
    // The last task streams: the text shown as it arrives must be the answer parsed at the end.
    const streamed: string[] = [];
    const streaming = index === TASKS.length - 1;
    try {
      const result = await generateObject({
        ...(streaming ? { onText: (delta: string) => streamed.push(delta) } : {}),
        model,
        messages: [
          { role: 'system', content: SYSTEM },
          { role: 'user', content: request },
        ],
        schema: IntentSchema,
        name: 'intent',
        maxTokens: 200,
      });
      const exact = sameIntent(result.value, expected);
      outcomes.push({ task: index, exact, ...(exact ? {} : { value: result.value }), rounds: result.rounds, ms: Math.round(performance.now() - started), promptTokens: result.usage.promptTokens, completionTokens: result.usage.completionTokens });
      expect(IntentSchema.safeParse(result.value).success).toBe(true);
      if (streaming && result.rounds === 1) expect(streamed.join('').trim()).toBe(result.raw);
    } catch (error) {
      // The only acceptable failure is the client's clear one: still invalid after the repair round.
      expect(error).toBeInstanceOf(ModelError);
      expect((error as ModelError).code).toBe('model-invalid-output');
      outcomes.push({ task: index, exact: false, rounds: 2, ms: Math.round(performance.now() - started), promptTokens: 0, completionTokens: 0, error: (error as Error).message, raw: String((error as ModelError).details['raw'] ?? '') });
    }
  });

  it(`extracts at least ${MIN_PASS} of ${TASKS.length} intents exactly`, async () => {
    const passed = outcomes.filter((o) => o.exact).length;
    const generationMs = outcomes.reduce((sum, o) => sum + o.ms, 0);
    const completionTokens = outcomes.reduce((sum, o) => sum + o.completionTokens, 0);
    // llama-server's own throughput counters (--metrics), over the whole suite.
    const metrics = real === undefined ? '' : await (await fetch(`${real.baseUrl.replace(/\/v1$/, '')}/metrics`)).text();
    const metric = (name: string): number | undefined => {
      const match = new RegExp(`^llamacpp:${name} ([0-9.e+-]+)$`, 'm').exec(metrics);
      return match === null ? undefined : Number(Number(match[1]).toFixed(2));
    };
    console.log(
      JSON.stringify({
        suite: 'model-real/intent-extraction',
        promptTokensPerSecond: metric('prompt_tokens_seconds'),
        generatedTokensPerSecond: metric('predicted_tokens_seconds'),
        model: real?.model,
        threads: real?.threads,
        loadMs: real?.loadMs,
        passed,
        of: TASKS.length,
        fallbacks: model.stats.fallbacks,
        msPerTask: Math.round(generationMs / Math.max(1, outcomes.length)),
        promptTokensPerTask: Math.round(outcomes.reduce((sum, o) => sum + o.promptTokens, 0) / Math.max(1, outcomes.length)),
        completionTokensPerWallSecond: Number(((completionTokens * 1000) / Math.max(1, generationMs)).toFixed(2)),
        outcomes,
      }),
    );
    expect(outcomes).toHaveLength(TASKS.length);
    expect(passed).toBeGreaterThanOrEqual(MIN_PASS);
  });
});
