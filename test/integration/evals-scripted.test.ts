// The eval harness kept honest (evals/README.md): every task of every suite runs against the scripted
// model peer (a real OpenAI-compatible HTTP server on loopback, reached through gic's model client and
// its egress guard), first with the task's reference answers, which the verifier must pass and which
// must be used up exactly, then with each answer that is wrong on purpose, which the verifier must fail.
// A verifier that accepts everything or nothing fails here. The suites have their minimum sizes and
// every drafting task's expected intent has an access delta (an empty one would make "equal" trivial).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { evalDeps } from '../../evals/harness/eval-fixture.js';
import { loadTasks } from '../../evals/harness/load-tasks.js';
import { runTask } from '../../evals/harness/run-task.js';
import { scriptSteps } from '../../evals/harness/scripted-steps.js';
import { type EvalTask, SUITES } from '../../evals/harness/task-file.js';
import { loadToolLoop } from '../../evals/harness/load-tool-loop.js';
import { expectedChanges } from '../../evals/harness/verify-draft.js';
import type { ToolLoop } from '../../evals/harness/tool-loop.js';
import { createScriptedModelServer, type ScriptedModelServer } from '../peers/model/scripted-model-server.js';
import { httpChatModel } from '../support/http-chat-model.js';

const tasks: EvalTask[] = await loadTasks();
let server: ScriptedModelServer;
let toolLoop: ToolLoop | undefined;

beforeAll(async () => {
  server = await createScriptedModelServer();
  toolLoop = await loadToolLoop();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => server.reset());

const MIN_TASKS: Readonly<Record<(typeof SUITES)[number], number>> = { drafting: 40, clarification: 6, explanation: 7, 'tool-use': 4, adversarial: 5 };

describe('the eval suites', () => {
  it.each(SUITES.map((s) => [s]))('%s has its minimum number of tasks, and tasks the scripted model answers wrongly on purpose', (suite) => {
    const mine = tasks.filter((t) => t.suite === suite);
    expect(mine.length).toBeGreaterThanOrEqual(MIN_TASKS[suite]);
    expect(mine.filter((t) => t.wrong.length > 0).length).toBeGreaterThanOrEqual(Math.min(3, mine.length));
  });

  it('every expected proposal of a drafting task has an access delta on its mesh', async () => {
    for (const task of tasks.filter((t) => t.expect.proposal !== undefined)) {
      const fixture = await evalDeps(task.fixture, undefined);
      try {
        expect(expectedChanges(task.expect.proposal!.intent, fixture.deps.mesh!.snapshot()).length, task.id).toBeGreaterThan(0);
      } finally {
        await fixture.close();
      }
    }
  });
});

describe.each(SUITES.map((s) => [s]))('suite %s against the scripted model', (suite) => {
  const mine = tasks.filter((t) => t.suite === suite);

  it.each(mine.map((t) => [t.id, t]))('%s passes with the reference answers, using every one', async (_id, task) => {
    server.setScript(scriptSteps(task.reference));
    const result = await runTask(task, httpChatModel(server.baseUrl), toolLoop === undefined ? {} : { toolLoop });
    expect({ outcome: result.outcome, reason: result.reason }).toEqual({ outcome: 'pass', reason: expect.any(String) });
    expect(server.remainingSteps()).toBe(0);
    expect(result.modelCalls).toBe(task.reference.length);
    expect(result.promptTokens).toBeGreaterThan(0);
  });

  const wrong = mine.flatMap((t) => t.wrong.map((w, i) => [`${t.id} #${i + 1}: ${w.why}`, t, w.answers] as const));
  it.each(wrong)('%s fails the verifier', async (_label, task, answers) => {
    server.setScript(scriptSteps(answers));
    const result = await runTask(task, httpChatModel(server.baseUrl), toolLoop === undefined ? {} : { toolLoop });
    expect(['caught', 'escaped']).toContain(result.outcome);
  });
});
