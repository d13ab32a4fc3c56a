// Every analyzer gic runs, listed by hand and sorted by name (istio analyzers/all.go): no registration
// by import side effects. Adding an analyzer: write analyze/<area>/<name>.ts, add it here, give its codes
// a catalog entry (messages.ts) and a golden fixture (test/fixtures/istio/analyze/<area>.yaml).
import type { Analyzer } from './analyzer.js';
import { allowNothing } from './authz/allow-nothing.js';
import { auditWithoutProvider } from './authz/audit-without-provider.js';
import { dryRun } from './authz/dry-run.js';
import { expiredGrant } from './authz/expired-grant.js';
import { hostMismatch } from './authz/host-mismatch.js';
import { httpFieldsOnTcp } from './authz/http-fields-on-tcp.js';
import { ignoredByDataplane } from './authz/ignored-by-dataplane.js';
import { ineffectiveRules } from './authz/ineffective-rules.js';
import { invalidMethods } from './authz/invalid-methods.js';
import { jwtWithoutRequestAuthentication } from './authz/jwt-without-request-authentication.js';
import { literalWildcard } from './authz/literal-wildcard.js';
import { noMatchingWorkloads } from './authz/no-matching-workloads.js';
import { overBroadGrant } from './authz/over-broad-grant.js';
import { pathNormalizationBypass } from './authz/path-normalization-bypass.js';
import { plaintextIdentity } from './authz/plaintext-identity.js';
import { probesDenied } from './authz/probes-denied.js';
import { requestPrincipalMismatch } from './authz/request-principal-mismatch.js';
import { ruleMatchesNothing } from './authz/rule-matches-nothing.js';
import { servicePortInsteadOfTargetPort } from './authz/service-port-instead-of-target-port.js';
import { sourceNamespaceNotFound } from './authz/source-namespace-not-found.js';
import { splitRule } from './authz/split-rule.js';
import { uncoveredWorkload } from './authz/uncovered-workload.js';
import { unknownCustomProvider } from './authz/unknown-custom-provider.js';
import { unknownPrincipals } from './authz/unknown-principals.js';
import { gerritGroupMapping } from './gerrit-group-mapping.js';
import { conflictingPeerAuthentications } from './peerauthn/conflicting-peer-authentications.js';
import { portLevelMtlsUnknownPort } from './peerauthn/port-level-mtls-unknown-port.js';
import { rootNamespaceSelector } from './peerauthn/root-namespace-selector.js';
import { peerAuthenticationSelectsNothing } from './peerauthn/selects-nothing.js';
import { duplicateIssuer } from './requestauthn/duplicate-issuer.js';
import { jwksFetchUnrestricted } from './requestauthn/jwks-fetch-unrestricted.js';
import { requestAuthenticationSelectsNothing } from './requestauthn/selects-nothing.js';
import { tokenNotRequired } from './requestauthn/token-not-required.js';
import { authorizationPolicyValidation } from './schema/authorization-policy-validation.js';
import { peerAuthenticationValidation } from './schema/peer-authentication-validation.js';
import { requestAuthenticationValidation } from './schema/request-authentication-validation.js';

export const ALL_ANALYZERS: readonly Analyzer[] = [
  allowNothing,
  auditWithoutProvider,
  dryRun,
  expiredGrant,
  hostMismatch,
  httpFieldsOnTcp,
  ignoredByDataplane,
  ineffectiveRules,
  invalidMethods,
  jwtWithoutRequestAuthentication,
  literalWildcard,
  noMatchingWorkloads,
  overBroadGrant,
  pathNormalizationBypass,
  plaintextIdentity,
  probesDenied,
  requestPrincipalMismatch,
  ruleMatchesNothing,
  servicePortInsteadOfTargetPort,
  sourceNamespaceNotFound,
  splitRule,
  uncoveredWorkload,
  unknownCustomProvider,
  unknownPrincipals,
  gerritGroupMapping,
  conflictingPeerAuthentications,
  portLevelMtlsUnknownPort,
  rootNamespaceSelector,
  peerAuthenticationSelectsNothing,
  duplicateIssuer,
  jwksFetchUnrestricted,
  requestAuthenticationSelectsNothing,
  tokenNotRequired,
  authorizationPolicyValidation,
  peerAuthenticationValidation,
  requestAuthenticationValidation,
] as Analyzer[];
