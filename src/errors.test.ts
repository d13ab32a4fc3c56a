// AppError: string code, retryable flag, details, cause, and recognition by symbol marker.
import { describe, expect, it } from 'vitest';

import { AppError } from './errors.js';

describe('AppError', () => {
  it('carries code, message, retryable, details and cause', () => {
    const cause = new Error('ENOENT');
    const error = new AppError('input-unreadable', 'cannot read x', { cause, details: { path: 'x' } });
    expect(error).toBeInstanceOf(Error);
    expect([error.code, error.message, error.retryable, error.details, error.cause]).toEqual(['input-unreadable', 'cannot read x', false, { path: 'x' }, cause]);
    expect(new AppError('gerrit-unavailable', 'x', { retryable: true }).retryable).toBe(true);
  });

  it('recognises AppErrors by marker, not by class identity', () => {
    expect(AppError.isInstance(new AppError('usage', 'x'))).toBe(true);
    const foreign = { [Symbol.for('gic.app-error')]: true, code: 'usage', message: 'x' };
    expect(AppError.isInstance(foreign)).toBe(true);
    expect(AppError.isInstance(Object.assign(new Error('x'), { code: 'usage' }))).toBe(false);
    expect(AppError.isInstance(null)).toBe(false);
    expect(AppError.isInstance('usage')).toBe(false);
  });
});
