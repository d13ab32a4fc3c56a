// --since / --until forms: whole UTC days, date-times with zones, durations back from an injected now,
// and a usage error that lists the forms for anything else.
import { describe, expect, it } from 'vitest';

import { parseTimeBound } from './parse-time-bound.js';

const now = new Date('2026-12-07T10:00:00.000Z');

describe('parseTimeBound', () => {
  it.each([
    ['2026-12-01', 'since', '2026-12-01T00:00:00.000Z'],
    ['2026-12-01', 'until', '2026-12-01T23:59:59.999Z'],
    ['2026-12-01T09:30:00Z', 'since', '2026-12-01T09:30:00.000Z'],
    ['2026-12-01T09:30Z', 'until', '2026-12-01T09:30:00.000Z'],
    ['2026-12-01T09:30:00.25+01:00', 'since', '2026-12-01T08:30:00.250Z'],
    ['90d', 'since', '2026-09-08T10:00:00.000Z'],
    ['12h', 'since', '2026-12-06T22:00:00.000Z'],
    ['30m', 'until', '2026-12-07T09:30:00.000Z'],
    ['2w', 'since', '2026-11-23T10:00:00.000Z'],
  ] as const)('%s as --%s is %s', (text, flag, iso) => {
    expect(parseTimeBound(text, flag, now)).toBe(iso);
  });

  it.each(['yesterday', '2026-12-01T09:30:00', '2026-13-45', '12', '-3d', ''])('refuses "%s" with the accepted forms', (text) => {
    expect(() => parseTimeBound(text, 'since', now)).toThrow(/--since .*use a date \(2026-12-01\), a time with its zone .* or a duration/);
  });
});
