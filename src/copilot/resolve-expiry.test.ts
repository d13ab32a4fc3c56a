import { describe, expect, it } from 'vitest';

import { findExpiryPhrase, resolveExpiry } from './resolve-expiry.js';

// Wednesday 25 November 2026, 10:30 UTC.
const NOW = new Date('2026-11-25T10:30:00Z');

describe('resolveExpiry', () => {
  it.each([
    ['until Friday', '2026-11-28T00:00:00Z'],
    ['till friday', '2026-11-28T00:00:00Z'],
    ['until Wednesday', '2026-11-26T00:00:00Z'],
    ['until next Wednesday', '2026-12-03T00:00:00Z'],
    ['for 2 hours', '2026-11-25T12:30:00Z'],
    ['for an hour', '2026-11-25T11:30:00Z'],
    ['for three days', '2026-11-28T10:30:00Z'],
    ['for 1 week', '2026-12-02T10:30:00Z'],
    ['until tomorrow', '2026-11-27T00:00:00Z'],
    ['until the end of today', '2026-11-26T00:00:00Z'],
    ['until 2027-01-31', '2027-02-01T00:00:00Z'],
    ['until Jan 31', '2027-02-01T00:00:00Z'],
    ['until December 3rd', '2026-12-04T00:00:00Z'],
    ['until 3 December 2026', '2026-12-04T00:00:00Z'],
    ['2027-01-30T00:00:00Z', '2027-01-30T00:00:00Z'],
  ])('%s -> %s', (phrase, expires) => {
    expect(resolveExpiry(phrase, NOW)).toEqual({ ok: true, expires, phrase });
  });

  it.each([['until the heat death of the universe'], ['soon'], ['until 2026-02-30'], ['for 0 hours'], ['until 2020-01-01'], ['until Febtober 3']])('refuses %s', (phrase) => {
    const r = resolveExpiry(phrase, NOW);
    expect(r.ok).toBe(false);
  });

  it('is deterministic for a given clock', () => {
    expect(resolveExpiry('until Friday', NOW)).toEqual(resolveExpiry('until Friday', new Date(NOW)));
  });
});

describe('findExpiryPhrase', () => {
  it('finds the time limit in a request', () => {
    expect(findExpiryPhrase('let release-managers trigger builds, only POST /api/builds, until Friday')).toBe('until Friday');
    expect(findExpiryPhrase('give ci/build-runner read access for 2 hours please')).toBe('for 2 hours');
    expect(findExpiryPhrase('allow docs-writers to GET /docs until 2027-01-31.')).toBe('until 2027-01-31');
    expect(findExpiryPhrase('allow release-managers to POST /api/builds')).toBeUndefined();
  });
});
