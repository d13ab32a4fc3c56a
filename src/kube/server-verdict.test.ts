// The API server's answers to a dry-run apply, read as verdicts with dotted field paths.
import { describe, expect, it } from 'vitest';

import { conflictWarnings, verdictFromResponse } from './server-verdict.js';

const status = (code: number, message: string, causes?: { field?: string; message?: string; reason?: string }[]) => ({
  status: code,
  body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, message, reason: 'Whatever', ...(causes === undefined ? {} : { details: { causes } }) },
  warnings: [],
});

describe('verdictFromResponse', () => {
  it('accepts 2xx and keeps Warning headers as warnings', () => {
    expect(verdictFromResponse({ status: 200, body: {}, warnings: ['deprecated'] })).toEqual({ accepted: true, errors: [], warnings: [{ field: '', message: 'deprecated' }] });
  });

  it('turns 422 causes into one error per field', () => {
    const verdict = verdictFromResponse(
      status(422, 'AuthorizationPolicy.security.istio.io "x" is invalid: ...', [
        { field: 'spec', message: 'Invalid value: "object": only one of targetRefs or selector can be set', reason: 'FieldValueInvalid' },
        { field: 'spec.action', message: 'Unsupported value: "PERMIT"', reason: 'FieldValueNotSupported' },
      ]),
    );
    expect(verdict.accepted).toBe(false);
    expect(verdict.errors.map((e) => e.field)).toEqual(['spec', 'spec.action']);
  });

  it('names each unknown or duplicate field of a Strict 400', () => {
    const verdict = verdictFromResponse(status(400, 'strict decoding error: unknown field "spec.rules[0].whenn", duplicate field "spec.action"'));
    expect(verdict.errors.map((e) => e.field)).toEqual(['spec.rules[0].whenn', 'spec.action']);
  });

  it('names the field of a typed-patch (server-side apply) schema error', () => {
    const verdict = verdictFromResponse(status(500, 'failed to create typed patch object (shop/typo; security.istio.io/v1, Kind=AuthorizationPolicy): .spec.rules[0].whenn: field not declared in schema'));
    expect(verdict.errors).toEqual([{ field: 'spec.rules[0].whenn', message: 'field not declared in schema (server-side apply: spec.rules[0].whenn)' }]);
  });

  it.each([
    [403, 'authorizationpolicies.security.istio.io "x" is forbidden: User "system:serviceaccount:gic:gic" cannot patch resource'],
    [403, 'authorizationpolicies.security.istio.io "x" is forbidden: ValidatingAdmissionPolicy \'p\' with binding \'p\' denied request: no'],
    [400, 'admission webhook "validation.istio.io" denied the request: configuration is invalid: DENY action requires rules'],
    [500, 'Internal error occurred: failed calling webhook "validation.istio.io": context deadline exceeded'],
  ])('keeps the message of a %i without a field', (code, message) => {
    expect(verdictFromResponse(status(code, message))).toEqual({ accepted: false, errors: [{ field: '', message }], warnings: [] });
  });

  it('explains a 404 (CRD not installed or namespace missing)', () => {
    const verdict = verdictFromResponse(status(404, 'namespaces "nope" not found'));
    expect(verdict.errors[0]?.message).toMatch(/^namespaces "nope" not found \(.*CRD installed.*\)$/);
  });

  it('copes with bodies that are not a Status', () => {
    expect(verdictFromResponse({ status: 502, body: 'Bad Gateway', warnings: [] }).errors).toEqual([{ field: '', message: 'Bad Gateway' }]);
    expect(verdictFromResponse({ status: 401, body: undefined, warnings: [] }).errors[0]?.message).toMatch(/credentials/);
  });
});

describe('conflictWarnings', () => {
  it('names each conflicting field and its manager', () => {
    const warnings = conflictWarnings(status(409, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.action', [{ field: '.spec.action', message: 'conflict with "kubectl"', reason: 'FieldManagerConflict' }]));
    expect(warnings).toEqual([{ field: 'spec.action', message: 'conflict with "kubectl": applying the proposal takes this field over from its current manager' }]);
  });
});
