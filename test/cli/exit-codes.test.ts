// The exit-code table (docs/cli.md): every outcome and typed error maps to its documented code, and
// anything unknown is an internal error (1), never a code that blames the caller's input.
import { describe, expect, it } from 'vitest';

import { EXIT_CODES, exitCodeForError, exitCodeForStatus } from '../../src/cli/exit-codes.js';
import { AppError } from '../../src/errors.js';

describe('exit codes', () => {
  it('matches the documented table', () => {
    expect(EXIT_CODES).toEqual({
      ok: 0,
      internal: 1,
      usage: 2,
      'bad-request': 2,
      'not-configured': 2,
      findings: 3,
      refused: 3,
      'input-unreadable': 4,
      'not-found': 4,
      unavailable: 5,
    });
  });

  it.each([
    ['ok', 0],
    ['findings', 3],
    ['bad-request', 2],
  ] as const)('maps the command outcome %s to %i', (status, code) => {
    expect(exitCodeForStatus(status)).toBe(code);
  });

  it.each([
    ['usage', 2],
    ['bad-request', 2],
    ['input-unreadable', 4],
    ['findings', 3],
    ['internal', 1],
    ['not-found', 4],
    ['gerrit-not-found', 4],
    ['gerrit-unauthorized', 5],
    ['gerrit-timeout', 5],
    ['kube-unavailable', 5],
    ['store-busy', 5],
    ['store-chain-broken', 5],
    ['model-egress-refused', 5],
    ['model-not-served', 5],
    ['model-invalid-output', 5],
    ['model-timeout', 5],
  ])('maps AppError code %s to %i', (code, exit) => {
    expect(exitCodeForError(new AppError(code, 'x'))).toBe(exit);
  });

  it('treats unknown codes, plain errors, non-errors and a thrown "ok" as internal errors', () => {
    expect(exitCodeForError(new AppError('someone-elses-code', 'x'))).toBe(1);
    expect(exitCodeForError(new AppError('ok', 'x'))).toBe(1);
    expect(exitCodeForError(new Error('boom'))).toBe(1);
    expect(exitCodeForError(Object.assign(new Error('x'), { code: 'usage' }))).toBe(1);
    expect(exitCodeForError('usage')).toBe(1);
  });
});
