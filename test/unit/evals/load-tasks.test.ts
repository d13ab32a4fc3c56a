// Task files (evals/harness/load-tasks.ts): every committed task parses; a broken one is an error with
// the file, the line and the field, never a silently skipped task; unknown suites are refused.
import { describe, expect, it } from 'vitest';

import { loadTasks, parseSuites, parseTaskFile, TaskFileError } from '../../../evals/harness/load-tasks.js';
import { SUITES } from '../../../evals/harness/task-file.js';

const GOOD = `description: a task
input:
  kind: draft
  turns: ["let developers POST /api/builds on build-trigger"]
reference:
  - json: {action: allow, who: []}
expect:
  question: {field: subjects}
`;

describe('task files', () => {
  it('all committed tasks load, with unique ids, in every suite', async () => {
    const tasks = await loadTasks();
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
    for (const suite of SUITES.filter((s) => s !== 'tool-use')) expect(tasks.some((t) => t.suite === suite)).toBe(true);
  });

  it('a valid file gets its id from the suite and the file name, with defaults filled in', () => {
    const task = parseTaskFile(GOOD, 'tasks/clarification/no-caller.yaml', 'clarification');
    expect(task).toMatchObject({ id: 'clarification/no-caller', suite: 'clarification', difficulty: 'medium', fixture: { mesh: 'demo', gerrit: 'demo', meshExtra: [] }, wrong: [] });
  });

  it('a field of the wrong type is reported with its line and path', () => {
    const text = GOOD.replace('turns: ["let developers POST /api/builds on build-trigger"]', 'turns: "not a list"');
    expect(() => parseTaskFile(text, 'tasks/drafting/x.yaml', 'drafting')).toThrow(TaskFileError);
    expect(() => parseTaskFile(text, 'tasks/drafting/x.yaml', 'drafting')).toThrow(/tasks\/drafting\/x\.yaml: line 4: input\.turns: /);
  });

  it('an unknown field and a YAML syntax error are reported with lines', () => {
    expect(() => parseTaskFile(`${GOOD}surprise: 1\n`, 'x.yaml', 'drafting')).toThrow(/x\.yaml: .*surprise/);
    expect(() => parseTaskFile('description: [unclosed\n', 'y.yaml', 'drafting')).toThrow(/y\.yaml: line \d+: /);
  });

  it('an expected intent the engine would not accept is refused', () => {
    const text = GOOD.replace('question: {field: subjects}', 'proposal: {intent: {action: allow, subjects: [], target: {namespace: builds}}}');
    expect(() => parseTaskFile(text, 'z.yaml', 'drafting')).toThrow(/expect\.proposal\.intent\.subjects/);
  });

  it('suites: comma lists, duplicates, all by default, unknown names refused', () => {
    expect(parseSuites([])).toEqual([...SUITES]);
    expect(parseSuites(['drafting,explanation', 'drafting'])).toEqual(['drafting', 'explanation']);
    expect(() => parseSuites(['drafts'])).toThrow(/unknown suite "drafts"/);
  });
});
