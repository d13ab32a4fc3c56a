// istiod's webhook rules for AuthorizationPolicy (ValidateAuthorizationPolicy in
// pkg/config/validation/validation.go), in its order, on the raw spec with Go's decoding semantics: an
// empty list decodes as unset (so `rules: []` is "no rules"), `{}` decodes as a set message. Wrongly typed
// values are skipped here: check-structure.ts reports them.
import type { FindingCollector, Path } from './finding-collector.js';
import { checkOneOfSelectorType, checkTargetRefs, checkWorkloadSelector } from './check-selector.js';
import { arrayAt, isObject, lengthAt, objectAt, type RawObject, stringAt, stringItems } from './raw-value.js';
import {
  checkIpValue,
  checkPathTemplate,
  checkPortValue,
  checkServiceAccountValue,
  checkTrustDomainValue,
  checkWildcardValue,
  classifyAttribute,
  isMapKey,
} from './security-values.js';

const CUSTOM_UNSUPPORTED_SOURCE = [
  'namespaces',
  'notNamespaces',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
  'principals',
  'notPrincipals',
  'requestPrincipals',
  'notRequestPrincipals',
] as const;

const CUSTOM_UNSUPPORTED_KEYS = new Set(['source.namespace', 'source.serviceAccount', 'source.trustDomain', 'source.principal']);

const SOURCE_FIELDS = [
  'principals',
  'requestPrincipals',
  'namespaces',
  'ipBlocks',
  'remoteIpBlocks',
  'notPrincipals',
  'notRequestPrincipals',
  'notNamespaces',
  'notIpBlocks',
  'notRemoteIpBlocks',
  'serviceAccounts',
  'notServiceAccounts',
  'trustDomains',
  'notTrustDomains',
] as const;

/** Source lists checked only for empty strings (CheckEmptyValues). */
const PLAIN_SOURCE_LISTS = ['principals', 'requestPrincipals', 'namespaces', 'notPrincipals', 'notRequestPrincipals', 'notNamespaces'] as const;
const IP_SOURCE_LISTS = ['ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
/** Source lists that make a DENY rule apply to TCP (W31). trustDomains is not among them in istiod. */
const TCP_SOURCE_LISTS = ['principals', 'notPrincipals', 'ipBlocks', 'notIpBlocks', 'namespaces', 'notNamespaces', 'remoteIpBlocks', 'notRemoteIpBlocks', 'serviceAccounts', 'notServiceAccounts'] as const;
const OPERATION_FIELDS = ['ports', 'methods', 'paths', 'hosts', 'notPorts', 'notMethods', 'notPaths', 'notHosts'] as const;

const ACTION_NUMBERS = ['ALLOW', 'DENY', 'AUDIT', 'CUSTOM'];

/** The action as istiod decodes it: jsonpb also accepts the enum number (the CRD does not). */
export function actionOf(spec: RawObject | undefined): string {
  const raw = spec?.['action'];
  if (typeof raw === 'number' && Number.isInteger(raw)) return ACTION_NUMBERS[raw] ?? String(raw);
  return typeof raw === 'string' ? raw : 'ALLOW';
}

export function checkAuthorizationPolicy(spec: RawObject, out: FindingCollector): void {
  checkOneOfSelectorType(spec, out);
  checkWorkloadSelector(spec, out);
  checkTargetRefs(spec, out);

  const action = actionOf(spec);
  const rules = arrayAt(spec, 'rules');
  const hasRules = rules !== undefined && rules.length > 0;
  const provider = objectAt(spec, 'provider');

  if (action === 'CUSTOM') {
    if (!hasRules) {
      out.add('authz.custom.rules-required', rules === undefined ? ['spec', 'action'] : ['spec', 'rules'], 'CUSTOM action without `rules` is meaningless as it will never be triggered: add the rules that should call the provider, or an empty rule `{}` to call it for every request.');
    } else if ((stringAt(provider, 'name') ?? '') === '') {
      out.add('authz.custom.provider-required', provider === undefined ? ['spec', 'action'] : ['spec', 'provider'], '`provider.name` must not be empty: set provider.name to the name of an extensionProviders entry of MeshConfig.');
    }
    rules?.forEach((rule, r) => {
      if (!isObject(rule)) return;
      arrayAt(rule, 'from')?.forEach((from, f) => {
        const src = isObject(from) ? objectAt(from, 'source') : undefined;
        if (src === undefined) return;
        for (const field of CUSTOM_UNSUPPORTED_SOURCE) {
          if (lengthAt(src, field) !== 0) {
            out.add('authz.custom.unsupported-source', ['spec', 'rules', r, 'from', f, 'source', field], `From.${field[0]?.toUpperCase()}${field.slice(1)} is currently not supported with CUSTOM action: only ipBlocks and remoteIpBlocks (and their not* forms) can select sources; check identities in the external authorizer or in an ALLOW/DENY policy.`);
          }
        }
      });
      arrayAt(rule, 'when')?.forEach((cond, c) => {
        const key = isObject(cond) ? stringAt(cond, 'key') : undefined;
        if (key === undefined) return;
        if (CUSTOM_UNSUPPORTED_KEYS.has(key) || key.startsWith('request.auth.')) {
          out.add('authz.custom.unsupported-condition', ['spec', 'rules', r, 'when', c, 'key'], `${key} is currently not supported with CUSTOM action: identity and JWT conditions cannot trigger a CUSTOM provider; check them in the external authorizer or in an ALLOW/DENY policy.`);
        }
      });
    });
  }
  if (provider !== undefined && action !== 'CUSTOM') {
    out.add('authz.provider.non-custom', ['spec', 'provider'], `\`provider\` must not be with non CUSTOM action, found ${action}: set action: CUSTOM to delegate to the provider, or remove provider.`);
  }
  if (action === 'DENY' && !hasRules) {
    out.add('authz.deny.rules-required', rules === undefined ? ['spec', 'action'] : ['spec', 'rules'], 'DENY action without `rules` is meaningless as it will never be triggered: add the rules to deny, or an empty rule `{}` to deny every request.');
  }

  rules?.forEach((rule, r) => {
    if (!isObject(rule)) return;
    checkRule(rule, r, action, out);
  });
}

function checkRule(rule: RawObject, r: number, action: string, out: FindingCollector): void {
  const rulePath: Path = ['spec', 'rules', r];
  let tcpInFrom = false;
  let tcpInTo = false;
  let fromExists = false;
  let toExists = false;

  arrayAt(rule, 'from')?.forEach((from, f) => {
    if (!isObject(from)) return;
    const fromPath: Path = [...rulePath, 'from', f];
    const src = objectAt(from, 'source');
    if (src === undefined) {
      out.add('authz.from.source-required', fromPath, '`from.source` must not be nil: put the source fields under `source:` (from: [{source: {principals: [...]}}]) or remove the empty entry.');
      return;
    }
    fromExists = true;
    const srcPath: Path = [...fromPath, 'source'];
    const identity = lengthAt(src, 'principals') + lengthAt(src, 'notPrincipals') + lengthAt(src, 'namespaces') + lengthAt(src, 'notNamespaces');
    if (identity > 0 && lengthAt(src, 'serviceAccounts') + lengthAt(src, 'notServiceAccounts') > 0) {
      out.add('authz.source.service-accounts-exclusive', srcPath, 'cannot set serviceAccounts with namespaces or principals: use separate `from` entries (they are ORed), or express the service accounts as principals.');
    }
    if (SOURCE_FIELDS.every((field) => lengthAt(src, field) === 0)) {
      out.add('authz.source.empty', srcPath, '`from.source` must not be empty: set at least one source field, or remove the `from` entry to match any source.');
    }
    for (const field of IP_SOURCE_LISTS) {
      for (const [value, i] of stringItems(src, field)) {
        if (value === '') {
          out.add('authz.source.empty-value', [...srcPath, field, i], `empty value not allowed, found in ${field}: remove the empty string.`);
          continue;
        }
        const bad = checkIpValue(value);
        if (bad !== undefined) out.add(bad.kind === 'cidr' ? 'authz.source.bad-cidr' : 'authz.source.bad-ip', [...srcPath, field, i], bad.problem);
      }
    }
    for (const field of PLAIN_SOURCE_LISTS) {
      for (const [value, i] of stringItems(src, field)) {
        if (value === '') out.add('authz.source.empty-value', [...srcPath, field, i], `empty value not allowed, found in ${field}: remove the empty string (use "*" to require any non-empty value).`);
      }
    }
    for (const field of ['serviceAccounts', 'notServiceAccounts'] as const) {
      if (lengthAt(src, field) > 16) {
        out.add('authz.source.service-account', [...srcPath, field], `may not have more than 16 values (has ${lengthAt(src, field)}): split the list across several \`from\` entries.`);
      }
      for (const [value, i] of stringItems(src, field)) {
        const problem = value === '' ? `empty value not allowed, found in ${field}; remove the empty string` : checkServiceAccountValue(value);
        if (problem !== undefined) out.add('authz.source.service-account', [...srcPath, field, i], `${problem}.`);
      }
    }
    for (const field of ['trustDomains', 'notTrustDomains'] as const) {
      for (const [value, i] of stringItems(src, field)) {
        const problem = value === '' ? `empty value not allowed, found in ${field}; remove the empty string` : checkTrustDomainValue(value);
        if (problem !== undefined) out.add('authz.source.trust-domain', [...srcPath, field, i], `${problem}.`);
      }
    }
    if (TCP_SOURCE_LISTS.some((field) => lengthAt(src, field) > 0)) tcpInFrom = true;
  });

  arrayAt(rule, 'to')?.forEach((to, t) => {
    if (!isObject(to)) return;
    const toPath: Path = [...rulePath, 'to', t];
    const op = objectAt(to, 'operation');
    if (op === undefined) {
      out.add('authz.to.operation-required', toPath, '`to.operation` must not be nil: put the operation fields under `operation:` (to: [{operation: {methods: [...]}}]) or remove the empty entry.');
      return;
    }
    toExists = true;
    const opPath: Path = [...toPath, 'operation'];
    if (OPERATION_FIELDS.every((field) => lengthAt(op, field) === 0)) {
      out.add('authz.operation.empty', opPath, '`to.operation` must not be empty: set at least one of hosts, ports, methods, paths (or their not* forms), or remove the `to` entry to match any operation.');
    }
    for (const field of OPERATION_FIELDS) {
      for (const [value, i] of stringItems(op, field)) {
        if (value === '') {
          out.add('authz.operation.empty-value', [...opPath, field, i], `empty value not allowed, found in ${field}: remove the empty string.`);
          continue;
        }
        if (field === 'ports' || field === 'notPorts') {
          const problem = checkPortValue(value);
          if (problem !== undefined) out.add('authz.operation.bad-port', [...opPath, field, i], `${problem}.`);
        } else if (field === 'paths' || field === 'notPaths') {
          const problem = checkPathTemplate(value);
          if (problem !== undefined) out.add('authz.path.invalid-template', [...opPath, field, i], `${problem}.`);
        }
      }
    }
    if (lengthAt(op, 'ports') > 0 || lengthAt(op, 'notPorts') > 0) tcpInTo = true;
  });

  arrayAt(rule, 'when')?.forEach((cond, c) => {
    if (!isObject(cond)) return;
    checkCondition(cond, [...rulePath, 'when', c], out);
  });

  if (action === 'DENY' && ((fromExists && !toExists && !tcpInFrom) || (toExists && !tcpInTo))) {
    out.add(
      'authz.deny.http-only',
      rulePath,
      'configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port (add ports to the `to` operation).',
    );
  }
}

function checkCondition(cond: RawObject, at: Path, out: FindingCollector): void {
  const key = stringAt(cond, 'key');
  if (key === undefined) return; // absent or wrong type: crd.required / crd.type report it
  if (key === '') {
    out.add('authz.when.key-required', [...at, 'key'], '`key` must not be empty: set the attribute to test, e.g. request.headers[x-token] or source.ip.');
    return;
  }
  if (lengthAt(cond, 'values') === 0 && lengthAt(cond, 'notValues') === 0) {
    out.add('authz.when.values-required', at, `at least one of \`values\` or \`notValues\` must be set for key ${key}: list the values to match.`);
    return;
  }
  const kind = classifyAttribute(key);
  if (typeof kind === 'object') {
    out.add('authz.when.unsupported-key', [...at, 'key'], kind.unsupported + '.');
  } else if (kind === 'map-key' && !isMapKey(key)) {
    const base = key.startsWith('request.headers') ? 'request.headers' : key.startsWith('request.auth.claims') ? 'request.auth.claims' : 'experimental.envoy.filters.<filter>';
    out.add('authz.when.bad-key', [...at, 'key'], `bad key (${key}): should have format a[b], e.g. ${base}[name] with a non-empty name in brackets.`);
  }
  for (const list of ['values', 'notValues'] as const) {
    const items = stringItems(cond, list);
    if (kind === 'service-account' && items.length > 16) {
      out.add('authz.when.service-account', [...at, list], `invalid \`${list === 'values' ? 'value' : 'notValue'}\` for \`key\` ${key}: may not have more than 16 values; split the condition across rules.`);
    }
    for (const [value, i] of items) {
      const itemPath: Path = [...at, list, i];
      if (value === '') {
        out.add('authz.when.empty-value', itemPath, `empty value not allowed, found in ${key}: remove the empty string.`);
        continue;
      }
      if (kind === 'ip') {
        const bad = checkIpValue(value);
        if (bad !== undefined) out.add(bad.kind === 'cidr' ? 'authz.when.bad-cidr' : 'authz.when.bad-ip', itemPath, `invalid value for key ${key}: ${bad.problem}.`);
      } else if (kind === 'port') {
        const problem = checkPortValue(value);
        if (problem !== undefined) out.add('authz.when.bad-port', itemPath, `invalid value for key ${key}: ${problem}.`);
      } else if (kind === 'service-account') {
        const problem = checkServiceAccountValue(value);
        if (problem !== undefined) out.add('authz.when.service-account', itemPath, `invalid value for key ${key}: ${problem}.`);
      } else if (kind === 'trust-domain') {
        const problem = checkWildcardValue(value);
        if (problem !== undefined) out.add('authz.when.trust-domain', itemPath, `invalid value for key ${key}: ${problem}.`);
      }
    }
  }
}
