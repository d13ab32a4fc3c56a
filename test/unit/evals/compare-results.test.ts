// Comparing two eval result files (evals/harness/compare-results.ts, result-file.ts): suite deltas,
// regressed and improved tasks, tasks present in one file only; a file that is not a result is refused
// with its path and the bad field.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { compareResults, renderComparison } from '../../../evals/harness/compare-results.js';
import { renderReport } from '../../../evals/harness/render-report.js';
import { readResult, type ResultFile, resultPath } from '../../../evals/harness/result-file.js';

const outcomes = (pass: number, caught: number) => ({ pass, caught, escaped: 0, error: 0 });
function result(tasks: Record<string, number>): ResultFile {
  const list = Object.entries(tasks).map(([task, passAt1]) => ({ task, suite: task.split('/')[0] ?? '', passAt1, passAtK: passAt1 > 0 ? 1 : 0, reason: passAt1 === 1 ? 'as expected' : 'no proposal', outcomes: outcomes(passAt1 === 1 ? 1 : 0, passAt1 === 1 ? 0 : 1) }));
  const suites = [...new Set(list.map((t) => t.suite))].map((suite) => {
    const mine = list.filter((t) => t.suite === suite);
    return { suite, tasks: mine.length, passAt1: mine.reduce((a, t) => a + t.passAt1, 0) / mine.length, passAtK: 0, outcomes: outcomes(0, 0) };
  });
  return { gicVersion: '0.1.0', model: 'm', date: '2026-12-07T12:00:00.000Z', repeat: 1, suites, tasks: list };
}

describe('compareResults', () => {
  it('lists regressions, improvements and the suite deltas', () => {
    const before = result({ 'drafting/a': 1, 'drafting/b': 0, 'drafting/c': 1, 'explanation/x': 1 });
    const after = result({ 'drafting/a': 0, 'drafting/b': 1, 'drafting/c': 1, 'explanation/x': 1, 'explanation/y': 0 });
    const c = compareResults(before, after);
    expect(c.regressions.map((r) => r.task)).toEqual(['drafting/a']);
    expect(c.regressions[0]?.reason).toBe('no proposal');
    expect(c.improvements.map((r) => r.task)).toEqual(['drafting/b']);
    expect(c.onlyAfter).toEqual(['explanation/y']);
    expect(c.onlyBefore).toEqual([]);
    expect(c.suites.find((s) => s.suite === 'drafting')).toMatchObject({ common: 3, before: 0.667, after: 0.667, delta: 0 });
    // explanation/y is only in the candidate: the suite is compared on explanation/x alone.
    expect(c.suites.find((s) => s.suite === 'explanation')).toMatchObject({ common: 1, before: 1, after: 1, delta: 0 });
    const text = renderComparison(c, 'base.json', 'new.json');
    expect(text).toContain('regressions (1):');
    expect(text).toContain('drafting/a: 100% -> 0%');
    expect(text).toMatch(/drafting\s+3\s+67%\s+67%\s+\+0pp/);
  });

  it('finds nothing to report between a file and itself', () => {
    const same = result({ 'drafting/a': 1, 'drafting/b': 0 });
    const c = compareResults(same, same);
    expect(c.regressions).toEqual([]);
    expect(c.improvements).toEqual([]);
  });
});

describe('result files', () => {
  it('are named per model, date, suites, gic version and label', () => {
    const suites = [{ suite: 'drafting' }] as never;
    expect(resultPath({ model: 'Qwen2.5-Coder 1.5B/Instruct', date: '2026-12-07T12:00:00Z', gicVersion: '0.1.0', suites, label: 'baseline' }, '/r')).toBe('/r/qwen2.5-coder-1.5b-instruct/2026-12-07-drafting-gic-0.1.0-baseline.json');
  });

  it('refuses a file that is not a result, naming the file and the field', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gic-evals-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ model: 'm', date: 'd', repeat: 1, suites: [], tasks: [] }));
    await expect(readResult(bad)).rejects.toThrow(/bad\.json: not an eval result: gicVersion/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"model":');
    await expect(readResult(broken)).rejects.toThrow(/broken\.json: not a readable JSON result file/);
  });
});

describe('renderReport', () => {
  it('puts the suites of several runs in one Markdown table, labelled', () => {
    const text = renderReport([
      { path: 'a/base.json', result: { ...result({ 'drafting/a': 1, 'drafting/b': 0 }), label: 'baseline' } },
      { path: 'b/2026-12-07-all.json', result: result({ 'drafting/a': 1, 'drafting/b': 1 }) },
    ]);
    expect(text.split('\n')).toEqual([
      '| model | run | suite | tasks | pass@1 | pass | caught | escaped | error |',
      '|---|---|---|---:|---:|---:|---:|---:|---:|',
      '| m | baseline | drafting | 2 | 50% | 0 | 0 | 0 | 0 |',
      '| m | 2026-12-07-all | drafting | 2 | 100% | 0 | 0 | 0 | 0 |',
    ]);
  });
});
