import { describe, expect, it } from 'vitest';

import { checkGrounding } from './ground-prose.js';

const facts = [
  'decision DENY (protocol http) for the request to builds/build-trigger port 8080',
  'ALLOW of builds/build-trigger-allow: default deny: none of the 3 rule(s) of builds/build-trigger-allow match',
  'rule 1 of builds/build-trigger-allow: from principals [mesh.example.com/ns/istio-ingress/sa/istio-ingressgateway]; to methods [POST] paths [/api/builds, /api/builds/*]',
  'workload builds/build-trigger: sidecar, service account build-trigger, ports 8080 (http)',
];
const known = ['builds', 'build-trigger', 'builds/build-trigger', 'build-trigger-allow', 'gerrit', 'gerrit/gerrit', 'artifact-store', 'ci', 'build-runner', 'release-managers'];

describe('checkGrounding', () => {
  it('rejects prose that leaves out a fact it must cover', () => {
    const cover = [{ what: 'GIC119, a finding the change introduces', words: ['GIC119'] }, { what: 'that the change grants access', words: ['grant', 'allow'] }];
    expect(checkGrounding('The request to builds/build-trigger is denied (DENY).', { factTexts: facts, mustCover: cover })).toEqual({ ok: false, reason: 'the text leaves out GIC119, a finding the change introduces' });
    expect(checkGrounding('GIC119: builds/build-trigger is open now.', { factTexts: [...facts, 'GIC119'], mustCover: cover })).toEqual({ ok: false, reason: 'the text leaves out that the change grants access' });
    expect(checkGrounding('GIC119: the change allows every request to builds/build-trigger.', { factTexts: [...facts, 'GIC119'], mustCover: cover })).toEqual({ ok: true });
    // A covering word must start a word: "completely" does not say "let", "deletes" does not either.
    const grant = [{ what: 'that the change grants access', words: ['let', 'open'] }];
    expect(checkGrounding('The change is completely harmless and deletes nothing.', { factTexts: facts, mustCover: grant })).toEqual({ ok: false, reason: 'the text leaves out that the change grants access' });
    expect(checkGrounding('The change lets every caller in.', { factTexts: facts, mustCover: grant })).toEqual({ ok: true });
  });

  it('accepts prose that only repeats the facts', () => {
    const text = 'The request to builds/build-trigger on port 8080 is denied (DENY): the ALLOW policy build-trigger-allow has 3 rules and none matches, so the default deny applies. Rule 1 only allows POST to /api/builds from the ingress gateway.';
    expect(checkGrounding(text, { factTexts: facts, knownNames: known, mustMention: ['DENY', 'denied'] })).toEqual({ ok: true });
  });

  it.each([
    ['an invented policy', 'The request is denied by the policy allow-all-admins.'],
    ['an invented ns/name', 'It is denied (DENY) by builds/deny-everything.'],
    ['an invented path', 'It is denied (DENY) because only /admin/builds is allowed.'],
    ['an invented port', 'It is denied (DENY) because port 9090 is closed.'],
    ['a mesh name not in the facts', 'It is denied (DENY); the artifact-store workload would allow it.'],
    ['a single-word mesh name after a noun', 'It is denied (DENY); only the gerrit workload may call it.'],
    ['a method not in the facts', 'It is denied (DENY); only DELETE is allowed.'],
    ['a decision not in the facts', 'The request is UNAUTHENTICATED.'],
    ['a backticked value', 'It is denied (DENY): add `x-admin` to the header.'],
  ])('rejects %s', (_what, text) => {
    const r = checkGrounding(text, { factTexts: facts, knownNames: known });
    expect(r.ok).toBe(false);
  });

  it('rejects prose that does not state the decision, and empty prose', () => {
    expect(checkGrounding('The request is handled by build-trigger-allow.', { factTexts: facts, mustMention: ['DENY', 'denied'] }).ok).toBe(false);
    expect(checkGrounding('  ', { factTexts: facts }).ok).toBe(false);
  });

  it('names the offending token', () => {
    expect(checkGrounding('Denied by allow-all-admins.', { factTexts: facts })).toEqual({ ok: false, reason: 'the text names the name "allow-all-admins", which is not in the facts' });
  });
});
