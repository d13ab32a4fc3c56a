// The demo mesh (examples/demo-mesh) parses and validates cleanly, and the sample requests in
// examples/requests get the decisions Istio's rules give them (docs/reference/istio-authz.md §2).
// The whole set runs as one `gic check --requests` batch, so the mesh is compiled once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { jsonOf, REPO_ROOT, runGic } from './run-gic.js';

interface Result {
  decision: string;
  protocol: string;
  provider?: string;
  reasons: { policy: string; action: string; rule?: number }[];
}

/** request file -> expected decision, protocol, and the policy (and rule) that decides. */
const EXPECTED: Record<string, { decision: string; protocol: string; policy: string; rule?: number; provider?: string }> = {
  // gerrit-admins is in the groups claim, so the DENY's notValues condition fails; the gateway principal is allowed.
  'admin-reads-server-config': { decision: 'ALLOW', protocol: 'http', policy: 'gerrit/allow-from-ingress', rule: 0 },
  // No gerrit-admins group: the DENY with notValues ["gerrit-admins"] on /a/config/server/* matches (DENY before ALLOW).
  'developer-reads-server-config': { decision: 'DENY', protocol: 'http', policy: 'gerrit/admins-only-server-config', rule: 0 },
  // serviceAccounts ci/build-runner, GET, prefix /a/changes/ (the query string is ignored).
  'ci-reads-change': { decision: 'ALLOW', protocol: 'http', policy: 'gerrit/allow-ci', rule: 0 },
  // POST matches the template /a/changes/{*}/revisions/{*}/review; the AUDIT policy never changes a decision.
  'ci-votes-verified': { decision: 'ALLOW', protocol: 'http', policy: 'gerrit/allow-ci', rule: 1 },
  // PUT on /a/projects/{*}/tags/{**} without the release-managers group (no token at all: notValues matches).
  'ci-creates-tag': { decision: 'DENY', protocol: 'http', policy: 'gerrit/release-managers-only-tags', rule: 0 },
  // Service port "tcp-ssh" makes 29418 TCP; namespaces ["ci"] with ports ["29418"]; both DENYs are scoped to 8080.
  'ci-fetches-over-ssh': { decision: 'ALLOW', protocol: 'tcp', policy: 'gerrit/allow-ci', rule: 2 },
  // Mesh-wide STRICT PeerAuthentication rejects the plaintext connection before any AuthorizationPolicy.
  'plaintext-to-gerrit': { decision: 'DENY', protocol: 'http', policy: 'PeerAuthentication istio-system/default' },
  // Gateway principal, request principal https://idp.example.com/bob, groups claim release-managers.
  'release-manager-triggers-build': { decision: 'ALLOW', protocol: 'http', policy: 'builds/build-trigger-allow', rule: 1 },
  // developers is not in the when values: no ALLOW rule matches, default deny.
  'developer-triggers-build': { decision: 'DENY', protocol: 'http', policy: 'builds/build-trigger-allow' },
  // A token that fails verification at a workload with a RequestAuthentication is a 401.
  'invalid-token-to-builds': { decision: 'UNAUTHENTICATED', protocol: 'http', policy: 'RequestAuthentication builds/idp-jwt' },
  // The YAML-dash split rule: rule 1 lets anyone PUT /uploads/*.
  'anyone-uploads-artifacts': { decision: 'ALLOW', protocol: 'http', policy: 'builds/artifact-store-uploads', rule: 1 },
  // 9100 is tcp-metrics: every ALLOW rule with HTTP fields is dropped; the one left (from ci) does not match monitoring.
  'prometheus-scrapes-artifact-metrics': { decision: 'DENY', protocol: 'tcp', policy: 'builds/artifact-store-metrics' },
  // The CUSTOM rule on host artifacts.example.com matches at the gateway: oauth2-proxy decides.
  'artifacts-through-ext-authz': { decision: 'CONDITIONAL', protocol: 'http', policy: 'istio-ingress/ext-authz-artifacts', rule: 0, provider: 'oauth2-proxy' },
  // PERMISSIVE exception for the dashboard, and the source address is in ipBlocks 10.20.0.0/16.
  'legacy-client-reads-dashboard': { decision: 'ALLOW', protocol: 'http', policy: 'ci/ci-dashboard-allow', rule: 0 },
  // Addressed to the Service, so through docs-waypoint (targetRefs Service policy), then ztunnel allows the waypoint.
  'gateway-reads-docs': { decision: 'ALLOW', protocol: 'http', policy: 'docs/docs-read-only', rule: 0 },
};

const REQUEST_DIR = join(REPO_ROOT, 'examples', 'requests');

describe('demo mesh', () => {
  it('validates with no errors and parses without findings', async () => {
    const validate = await runGic(['validate', 'examples/demo-mesh', '-o', 'json']);
    expect(validate.code).toBe(0);
    const report = jsonOf(validate) as { resources: { kind: string }[]; summary: { errors: number } };
    expect(report.summary.errors).toBe(0);
    expect(new Set(report.resources.map((r) => r.kind))).toEqual(new Set(['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']));
    const check = await runGic(['check', '--mesh', 'examples/demo-mesh', '--request', '@examples/requests/ci-reads-change.json', '-o', 'json']);
    expect(check.code).toBe(0);
    expect(check.stderr).toBe('');
  });

  it('has an expectation for every sample request', () => {
    const files = readdirSync(REQUEST_DIR).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('decides every sample request as Istio would', async () => {
    const names = Object.keys(EXPECTED).sort();
    const batch = names.map((n) => JSON.stringify(JSON.parse(readFileSync(join(REQUEST_DIR, `${n}.json`), 'utf8')))).join('\n');
    const run = await runGic(['check', '--mesh', 'examples/demo-mesh', '--requests', '-', '-o', 'jsonl'], { stdin: `${batch}\n` });
    expect(run.code).toBe(0);
    const results = run.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Result);
    expect(results).toHaveLength(names.length);
    for (const [i, name] of names.entries()) {
      const want = EXPECTED[name]!;
      const got = results[i]!;
      expect({ name, decision: got.decision, protocol: got.protocol, provider: got.provider }).toEqual({ name, decision: want.decision, protocol: want.protocol, provider: want.provider });
      const deciding = got.reasons.find((r) => r.policy === want.policy);
      expect(deciding, `${name}: reasons ${JSON.stringify(got.reasons)} should name ${want.policy}`).toBeDefined();
      if (want.rule !== undefined) expect(deciding?.rule, name).toBe(want.rule);
    }
  });
});
