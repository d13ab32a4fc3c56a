// The schema of an eval task file (evals/tasks/<suite>/<id>.yaml): the fixture (mesh and Gerrit), the
// input (a request to draft, a subject to explain, a change to review, a question for the tool loop),
// the scripted model's reference answers (what a perfect model says; CI plays them), answers that are
// wrong on purpose (the verifier must fail them) and what the engine-run verifier expects. Pure: no I/O.
import { z } from 'zod';

import { IntentSchema } from '../../src/policy/compile/intent.js';

export const SUITES = ['drafting', 'clarification', 'explanation', 'tool-use', 'adversarial'] as const;
export type SuiteName = (typeof SUITES)[number];

/** One answer the scripted model gives to one model call (played in order). */
export const ScriptedAnswerSchema = z.union([
  z.strictObject({ json: z.unknown().refine((v) => v !== undefined, 'json needs a value') }),
  z.strictObject({ text: z.string() }),
  z.strictObject({ raw: z.string() }),
  z.strictObject({
    toolCalls: z.array(z.strictObject({ name: z.string().min(1), arguments: z.record(z.string(), z.unknown()) })).min(1),
    text: z.string().optional(),
  }),
]);
export type ScriptedAnswer = z.infer<typeof ScriptedAnswerSchema>;

/** A fixture: `demo` (examples/demo-mesh, examples/demo-gerrit) or paths relative to evals/fixtures. */
export const FixtureSchema = z
  .strictObject({
    mesh: z.union([z.literal('demo'), z.array(z.string().min(1)).min(1)]).default('demo'),
    /** Extra mesh files (relative to evals/fixtures) added to `mesh`. */
    meshExtra: z.array(z.string().min(1)).default([]),
    gerrit: z.union([z.literal('demo'), z.string().min(1)]).default('demo'),
  })
  .prefault({});
export type Fixture = z.infer<typeof FixtureSchema>;

const DraftInputSchema = z.strictObject({
  kind: z.literal('draft'),
  /** The person's turns, in order; each turn is one draft call (answers continue the conversation). */
  turns: z.array(z.string().min(1)).min(1),
});

const ExplainInputSchema = z.strictObject({
  kind: z.literal('explain'),
  subject: z.union([z.strictObject({ request: z.record(z.string(), z.unknown()) }), z.strictObject({ policy: z.string().min(1) }), z.strictObject({ workload: z.string().min(1) })]),
});

const ReviewInputSchema = z.strictObject({
  kind: z.literal('review'),
  commitMessage: z.string().optional(),
  files: z.array(z.strictObject({ path: z.string().min(1), before: z.string().optional(), after: z.string().optional() })).min(1),
});

const ToolUseInputSchema = z.strictObject({
  kind: z.literal('tool-use'),
  text: z.string().min(1),
  /** Model turns allowed (each may call tools); the last must answer in text. */
  maxSteps: z.int().min(1).max(10).default(4),
  /**
   * Offer only these tools of the catalog (names as in tools/), for a task that measures a smaller
   * per-task catalog; default the whole catalog. A name that is not in the catalog is an error.
   */
  tools: z.array(z.string().min(1)).min(1).optional(),
});

export const TaskInputSchema = z.discriminatedUnion('kind', [DraftInputSchema, ExplainInputSchema, ReviewInputSchema, ToolUseInputSchema]);
export type TaskInput = z.infer<typeof TaskInputSchema>;

/** A verified (or deliberately unverified) proposal whose access delta equals the expected intent's. */
const ExpectProposalSchema = z.strictObject({
  intent: IntentSchema,
  verified: z.boolean().default(true),
});

/** A clarifying question instead of a proposal. */
const ExpectQuestionSchema = z.strictObject({
  /** The question's field, e.g. `subjects[0]`, `target.workload`, `expires` (a prefix match: `subjects`). */
  field: z.string().min(1),
  /** Names the question must offer (the closest existing names). */
  options: z.array(z.string()).default([]),
});

export const ExpectSchema = z
  .strictObject({
    /** draft: the proposal the last turn must produce. */
    proposal: ExpectProposalSchema.optional(),
    /** draft: a question the last turn must ask (and no proposal). */
    question: ExpectQuestionSchema.optional(),
    /** explain: the engine's decision for a request (a fixture check). */
    decision: z.enum(['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL']).optional(),
    /** explain, review: the model's text must be used (it passed the grounding check). */
    grounded: z.boolean().optional(),
    /** explain, review, tool-use: words or names the model's text must contain (case-insensitive), each an alternative list. */
    mention: z.array(z.union([z.string().min(1), z.array(z.string().min(1)).min(1)])).default([]),
    /** review: the vote. */
    vote: z.union([z.literal(-1), z.literal(0), z.literal(1)]).optional(),
    /** tool-use: tools that must be called (in any order). */
    calls: z.array(z.string().min(1)).default([]),
    /** tool-use: tools that must never be called (writes). */
    forbiddenCalls: z.array(z.string().min(1)).default([]),
    /** Writes that must not happen: no proposal stored (draft), no Gerrit change (always checked). */
    noProposal: z.boolean().optional(),
  })
  .refine((e) => !(e.proposal !== undefined && e.question !== undefined), 'expect either a proposal or a question, not both');
export type Expect = z.infer<typeof ExpectSchema>;

export const TaskFileSchema = z.strictObject({
  /** One line: what the task checks. */
  description: z.string().min(1),
  difficulty: z.enum(['easy', 'medium', 'hard']).default('medium'),
  /** What the task exercises (groups, wildcards, ambient, injection in a commit message...). */
  tags: z.array(z.string().min(1)).default([]),
  fixture: FixtureSchema,
  input: TaskInputSchema,
  /** The scripted model's answers, one per model call, in order: a perfect model's. */
  reference: z.array(ScriptedAnswerSchema).min(1),
  /** Answers wrong on purpose: the verifier must fail each (CI checks it). */
  wrong: z.array(z.strictObject({ why: z.string().min(1), answers: z.array(ScriptedAnswerSchema).min(1) })).default([]),
  expect: ExpectSchema,
});
export type TaskFile = z.infer<typeof TaskFileSchema>;

/** A loaded task: the file's content plus where it came from. */
export interface EvalTask extends TaskFile {
  /** `<suite>/<file name without .yaml>`. */
  readonly id: string;
  readonly suite: SuiteName;
  readonly file: string;
}
