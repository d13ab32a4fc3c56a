import { describe, expect, it } from 'vitest';

import { extractJson } from './extract-json.js';

describe('extractJson', () => {
  it('parses a bare, fenced, prefixed, reasoned or brace-doubled answer', () => {
    expect(extractJson('{"a": 1}')).toMatchObject({ ok: true, value: { a: 1 } });
    expect(extractJson('```json\n{"a": [1, 2]}\n```')).toMatchObject({ ok: true, value: { a: [1, 2] } });
    expect(extractJson('Here is the intent: {"a": "}"} hope it helps')).toMatchObject({ ok: true, value: { a: '}' } });
    expect(extractJson('<think>{"wrong": true}</think>{"right": true}')).toMatchObject({ ok: true, value: { right: true } });
    expect(extractJson('{{"name": "x", "arguments": {{"k": 1}}}}')).toMatchObject({ ok: true, value: { name: 'x', arguments: { k: 1 } } });
  });

  it('says why when there is no usable JSON', () => {
    expect(extractJson('')).toEqual({ ok: false, problem: 'the answer is empty' });
    expect(extractJson('I cannot help with that.')).toMatchObject({ ok: false, problem: expect.stringContaining('no JSON object') });
    expect(extractJson('{"a": [1, 2')).toMatchObject({ ok: false, problem: expect.stringContaining('incomplete') });
    expect(extractJson('{"a": 1,}')).toMatchObject({ ok: false, problem: expect.stringContaining('not valid JSON') });
  });
});
