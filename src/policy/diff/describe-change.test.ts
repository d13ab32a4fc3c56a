// The reviewer's sentence of a diff change says what tells classes apart when only the token does:
// no token, an invalid one, one from an issuer (or another one), one lacking a claim.
import { describe, expect, it } from 'vitest';

import { describeChange } from './describe-change.js';
import type { DiffMatch } from './diff-match.js';

const on = { namespace: 'builds', name: 'build-trigger' };
const readBy = ['header:authorization'];
const runner = { principals: ['cluster.local/ns/ci/sa/runner'] };

describe('describeChange says which token a class holds', () => {
  it('no token, or one where no jwtRule looks, reads "without a token"', () => {
    const m: DiffMatch = { token: { in: ['absent', 'valid@elsewhere'], readBy }, from: runner, when: [] };
    expect(describeChange(on, 'ALLOW', 'DENY', m)).toBe('ci/runner without a token may no longer send requests on builds/build-trigger');
  });

  it('an invalid token reads "with an invalid token"', () => {
    const m: DiffMatch = { token: { in: ['invalid@header:authorization'], readBy }, from: { notPrincipals: ['*'] }, when: [] };
    expect(describeChange(on, 'UNAUTHENTICATED', 'DENY', m)).toBe('plaintext clients with an invalid token send requests on builds/build-trigger: UNAUTHENTICATED before, DENY now');
  });

  it('names the issuer a valid token comes from, or the one it does not', () => {
    const from: DiffMatch = { token: { in: ['valid@header:authorization'], readBy }, from: runner, when: [{ key: 'request.auth.claims[iss]', values: ['https://idp.example.com'] }] };
    expect(describeChange(on, 'ALLOW', 'DENY', from)).toBe('ci/runner with a token from https://idp.example.com may no longer send requests on builds/build-trigger');
    const other: DiffMatch = { ...from, when: [{ key: 'request.auth.claims[iss]', notValues: ['https://idp.example.com'] }] };
    expect(describeChange(on, 'UNAUTHENTICATED', 'DENY', other)).toBe('ci/runner with a token from an issuer other than https://idp.example.com send requests on builds/build-trigger: UNAUTHENTICATED before, DENY now');
  });

  it('a claim that must be absent reads "a token without `sub`"', () => {
    const m: DiffMatch = { token: { in: ['valid@header:authorization'], readBy }, from: runner, when: [{ key: 'request.auth.claims[sub]', notValues: ['*'] }] };
    expect(describeChange(on, 'DENY', 'ALLOW', m)).toBe('ci/runner with a valid token without `sub` may now send requests on builds/build-trigger');
  });
});
