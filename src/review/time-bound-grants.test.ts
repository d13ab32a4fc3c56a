import { describe, expect, it } from 'vitest';

import { grantsInFile, withoutGrant } from './time-bound-grants.js';

const grant = (name: string, expires: string): string =>
  `# ${name} for the release\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: ${name}\n  namespace: builds\n  annotations:\n    policy.gic/expires: "${expires}"\nspec:\n  action: ALLOW\n`;
const permanent = 'apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata:\n  name: keep\n  namespace: builds\nspec:\n  action: ALLOW\n';

describe('time-bound grants in a policy file', () => {
  it('finds the AuthorizationPolicies that carry policy.gic/expires, the expiry in UTC', () => {
    const text = `${grant('a', '2026-12-10T00:00:00+01:00')}---\n${permanent}---\n${grant('b', 'not a date')}`;
    expect(grantsInFile(text)).toEqual([{ policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-09T23:00:00.000Z' }]);
  });

  it('removes exactly that document, keeping the others with their comments; empty when it was alone', () => {
    const text = `${permanent}---\n${grant('a', '2026-12-10T00:00:00Z')}`;
    const after = withoutGrant(text, { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-10T00:00:00.000Z' });
    expect(after).toBe(permanent);
    const first = withoutGrant(`${grant('a', '2026-12-10T00:00:00Z')}---\n# keep me\n${permanent}`, { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-10T00:00:00.000Z' });
    expect(first).toContain('# keep me');
    expect(first).toContain('name: keep');
    expect(first).not.toContain('name: a');
    expect(withoutGrant(grant('a', '2026-12-10T00:00:00Z'), { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-10T00:00:00.000Z' })).toBe('');
  });

  it('leaves a file alone when the grant is not there any more, or carries another expiry', () => {
    expect(withoutGrant(permanent, { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-10T00:00:00.000Z' })).toBeUndefined();
    expect(withoutGrant(grant('a', '2027-01-10T00:00:00Z'), { policy: 'AuthorizationPolicy/builds/a', expires: '2026-12-10T00:00:00.000Z' })).toBeUndefined();
  });
});
