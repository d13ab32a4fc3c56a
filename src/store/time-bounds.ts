// Time bounds as both stores keep them: an ISO 8601 time normalized to the stored form (UTC,
// milliseconds), and an audit range's bounds normalized alike. A bound that is not a time is
// `bad-request`. Pure.
import { AppError } from '../errors.js';
import type { AuditRange } from './store.js';

/** An ISO 8601 time bound, normalized to the stored form (UTC, milliseconds). */
export function isoBound(value: string, name: string): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new AppError('bad-request', `${name} "${value}" is not an ISO 8601 time`);
  return new Date(time).toISOString();
}

/** The range's bounds, normalized. */
export function auditBounds(range: AuditRange): { since?: string; until?: string } {
  return {
    ...(range.since === undefined ? {} : { since: isoBound(range.since, 'since') }),
    ...(range.until === undefined ? {} : { until: isoBound(range.until, 'until') }),
  };
}
