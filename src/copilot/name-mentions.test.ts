import { describe, expect, it } from 'vitest';

import { closestNames } from './closest-names.js';
import { mentionsExactly, mentionsNearly, normaliseText } from './name-mentions.js';

describe('name mentions', () => {
  const text = normaliseText('Let the release managers trigger builds on build-trigger via /api/builds, and ci/build-runner too');
  it('matches names across separators and number', () => {
    expect(mentionsExactly(text, 'release-managers')).toBe(true);
    expect(mentionsExactly(text, 'release-manager')).toBe(true);
    expect(mentionsExactly(text, 'build-trigger')).toBe(true);
    expect(mentionsExactly(text, 'ci/build-runner')).toBe(true);
    expect(mentionsExactly(text, 'builds')).toBe(true);
  });
  it('does not read names out of URL paths or parts of words', () => {
    expect(mentionsExactly(normaliseText('POST /api/builds'), 'api')).toBe(false);
    expect(mentionsExactly(text, 'release-captains')).toBe(false);
    expect(mentionsExactly(text, 'ci-admins')).toBe(false);
    expect(mentionsExactly(text, 'trigger-service')).toBe(false);
  });
  it('allows one typo in long names only for near mentions', () => {
    const typo = normaliseText('allow relase-managers to trigger builds');
    expect(mentionsExactly(typo, 'release-managers')).toBe(false);
    expect(mentionsNearly(typo, 'release-managers')).toBe(true);
    expect(mentionsNearly(normaliseText('let ci do it'), 'cd')).toBe(false);
  });
});

describe('closestNames', () => {
  const groups = ['release-managers', 'release-captains', 'ci-admins', 'developers', 'docs-writers', 'Administrators'];
  it('offers the nearest existing names first', () => {
    expect(closestNames('release-manager', groups)[0]).toBe('release-managers');
    expect(closestNames('relase-managers', groups)[0]).toBe('release-managers');
    expect(closestNames('release', groups)).toEqual(['release-captains', 'release-managers']);
    expect(closestNames('administrators', groups)[0]).toBe('Administrators');
    expect(closestNames('payroll', groups)).toEqual([]);
  });
});
