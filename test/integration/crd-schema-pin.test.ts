// Pins src/policy/validate/crd-schema.ts (the validator's structural schema) to the CRDs Istio publishes,
// fetched at test time by test/support/istio-crds.ts (istio.io/api at ISTIO_API_VERSION): same fields,
// types, enums, limits, patterns and required lists in v1 and v1beta1; no schema keyword crd-schema.ts
// does not model; every CEL rule of the CRDs (message and expression) implemented in check-cel.ts under
// a catalogued rule id; and the engine's zod resource schemas describe the same fields (the one known
// difference is listed). Without Go or the proxy the suite fails under CI=true and is skipped elsewhere.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { AuthorizationPolicySpecSchema } from '../../src/policy/resources/authorization-policy.js';
import { PeerAuthenticationSpecSchema } from '../../src/policy/resources/peer-authentication.js';
import { RequestAuthenticationSpecSchema } from '../../src/policy/resources/request-authentication.js';
import { AUTHORIZATION_POLICY_SPEC, type CrdSchema, PEER_AUTHENTICATION_SPEC, REQUEST_AUTHENTICATION_SPEC } from '../../src/policy/validate/crd-schema.js';
import { type RuleId, RULES } from '../../src/policy/validate/rule-catalog.js';
import { ISTIO_API_VERSION, type OpenApiSchema, startIstioCrdsOrSkip } from '../support/istio-crds.js';

const peer = await startIstioCrdsOrSkip();

function specOf(kind: string, version: string): OpenApiSchema {
  const spec = peer!.info.schemas.get(`${kind}/${version}`)?.properties?.['spec'];
  if (spec === undefined) throw new Error(`no spec for ${kind}/${version} in istio.io/api@${ISTIO_API_VERSION}`);
  return spec;
}

const mapValues = (s: OpenApiSchema): OpenApiSchema | undefined => (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);

/** The CRD schema in crd-schema.ts's terms (descriptions, CEL rules and the AP provider oneOf tautology left out). */
function normalize(s: OpenApiSchema): unknown {
  const additional = mapValues(s);
  switch (s.type) {
    case 'object':
      return {
        type: 'object',
        ...(s.properties === undefined ? {} : { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, normalize(v)])) }),
        ...(s.required === undefined ? {} : { required: s.required }),
        ...(additional === undefined ? {} : { additionalProperties: normalize(additional) }),
        ...(s.maxProperties === undefined ? {} : { maxProperties: s.maxProperties }),
        ...(s.minProperties === undefined ? {} : { minProperties: s.minProperties }),
      };
    case 'array':
      return { type: 'array', items: normalize(s.items ?? {}), ...(s.maxItems === undefined ? {} : { maxItems: s.maxItems }) };
    case 'string':
      return {
        type: 'string',
        ...(s.enum === undefined ? {} : { enum: s.enum }),
        ...(s.minLength === undefined ? {} : { minLength: s.minLength }),
        ...(s.maxLength === undefined ? {} : { maxLength: s.maxLength }),
        ...(s.pattern === undefined ? {} : { pattern: s.pattern }),
      };
    default:
      return { type: s.type };
  }
}

function ours(s: CrdSchema): unknown {
  switch (s.type) {
    case 'object':
      return {
        type: 'object',
        ...(s.properties === undefined ? {} : { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, ours(v)])) }),
        ...(s.required === undefined ? {} : { required: s.required }),
        ...(s.additionalProperties === undefined ? {} : { additionalProperties: ours(s.additionalProperties) }),
        ...(s.maxProperties === undefined ? {} : { maxProperties: s.maxProperties }),
        ...(s.minProperties === undefined ? {} : { minProperties: s.minProperties }),
      };
    case 'array':
      return { type: 'array', items: ours(s.items), ...(s.maxItems === undefined ? {} : { maxItems: s.maxItems }) };
    case 'string':
      return {
        type: 'string',
        ...(s.enum === undefined ? {} : { enum: s.enum }),
        ...(s.minLength === undefined ? {} : { minLength: s.minLength }),
        ...(s.maxLength === undefined ? {} : { maxLength: s.maxLength }),
        ...(s.patternText === undefined ? {} : { pattern: s.patternText }),
      };
    default:
      return { type: s.type };
  }
}

/** Schema keywords normalize() reads, or that crd-schema.ts deliberately leaves to others (description, CEL, the oneOf below). */
const MODELLED_KEYWORDS = new Set([
  'type', 'properties', 'items', 'additionalProperties', 'required', 'enum', 'minLength', 'maxLength', 'pattern',
  'maxItems', 'maxProperties', 'minProperties', 'description', 'x-kubernetes-validations', 'oneOf',
]);

/** AuthorizationPolicy's spec oneOf: `provider` absent or present, which any object satisfies. */
const PROVIDER_TAUTOLOGY = [{ not: { anyOf: [{ required: ['provider'] }] } }, { required: ['provider'] }];

/** Keywords no one models, and every oneOf that is not the provider tautology, as `path: keyword` lines. */
function unmodelled(s: OpenApiSchema, path: string, out: string[] = []): string[] {
  for (const keyword of Object.keys(s)) if (!MODELLED_KEYWORDS.has(keyword)) out.push(`${path}: ${keyword}`);
  if (s.oneOf !== undefined && JSON.stringify(s.oneOf) !== JSON.stringify(PROVIDER_TAUTOLOGY)) out.push(`${path}: oneOf ${JSON.stringify(s.oneOf)}`);
  for (const [k, v] of Object.entries(s.properties ?? {})) unmodelled(v, `${path}.${k}`, out);
  if (s.items !== undefined) unmodelled(s.items, `${path}[]`, out);
  const additional = mapValues(s);
  if (additional !== undefined) unmodelled(additional, `${path}{}`, out);
  return out;
}

function celRules(s: OpenApiSchema, out: { rule: string; message: string }[] = []): { rule: string; message: string }[] {
  out.push(...(s['x-kubernetes-validations'] ?? []));
  for (const child of Object.values(s.properties ?? {})) celRules(child, out);
  if (s.items !== undefined) celRules(s.items, out);
  const additional = mapValues(s);
  if (additional !== undefined) celRules(additional, out);
  return out;
}

/** Field paths described by a zod schema (zod 4 internals: def.type, shape, element, valueType, innerType). */
function zodFields(schema: z.ZodType, prefix: string, out: string[] = []): string[] {
  const def = (schema as unknown as { def: { type: string; innerType: z.ZodType; shape: Record<string, z.ZodType>; element: z.ZodType; valueType: z.ZodType } }).def;
  switch (def.type) {
    case 'optional':
      zodFields(def.innerType, prefix, out);
      break;
    case 'object':
      for (const [k, v] of Object.entries(def.shape)) {
        out.push(`${prefix}.${k}`);
        zodFields(v, `${prefix}.${k}`, out);
      }
      break;
    case 'array':
      zodFields(def.element, `${prefix}[]`, out);
      break;
    case 'record':
      zodFields(def.valueType, `${prefix}{}`, out);
      break;
  }
  return out;
}

function crdFields(s: OpenApiSchema, prefix: string, out: string[] = []): string[] {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push(`${prefix}.${k}`);
    crdFields(v, `${prefix}.${k}`, out);
  }
  if (s.items !== undefined) crdFields(s.items, `${prefix}[]`, out);
  const additional = mapValues(s);
  if (additional !== undefined) crdFields(additional, `${prefix}{}`, out);
  return out;
}

const KINDS = [
  ['AuthorizationPolicy', AUTHORIZATION_POLICY_SPEC, AuthorizationPolicySpecSchema],
  ['PeerAuthentication', PEER_AUTHENTICATION_SPEC, PeerAuthenticationSpecSchema],
  ['RequestAuthentication', REQUEST_AUTHENTICATION_SPEC, RequestAuthenticationSpecSchema],
] as const;
const VERSIONS = ['v1', 'v1beta1'] as const;

/** The CEL rules of the CRDs (message -> expression), each implemented by check-cel.ts under the rule id shown. */
const CEL_RULES: Readonly<Record<string, { readonly id: RuleId; readonly rule: string }>> = {
  'only one of targetRefs or selector can be set': {
    id: 'cel.selector-xor-target-ref',
    rule: '(has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1',
  },
  'Cannot set serviceAccounts with namespaces or principals': {
    id: 'cel.source.service-accounts-exclusive',
    rule: '(has(self.serviceAccounts) || has(self.notServiceAccounts)) ? (!has(self.principals) &&\n!has(self.notPrincipals) && !has(self.namespaces) && !has(self.notNamespaces)) : true',
  },
  'wildcard not allowed in label value match': { id: 'cel.selector.wildcard-value', rule: '!self.contains("*")' },
  'wildcard not allowed in label key match': { id: 'cel.selector.wildcard-key', rule: 'self.all(key, !key.contains("*"))' },
  'key must not be empty': { id: 'cel.selector.empty-key', rule: 'self.all(key, key.size() != 0)' },
  'cross namespace referencing is not currently supported': { id: 'cel.target-ref.namespace', rule: 'self.size() == 0' },
  'portLevelMtls requires selector': {
    id: 'cel.port-level-mtls.requires-selector',
    rule: 'has(self.portLevelMtls) ? (((has(self.selector) && has(self.selector.matchLabels)) ? self.selector.matchLabels : {}).size() > 0) : true',
  },
  'port must be between 1-65535': { id: 'cel.port-level-mtls.port-range', rule: 'self.all(key, 0 < int(key) && int(key) <= 65535)' },
  'url must have scheme http:// or https://': { id: 'cel.jwks-uri.scheme', rule: 'url(self).getScheme() in ["http", "https"]' },
  'only one of jwks or jwksUri can be set': {
    id: 'cel.jwks.exclusive',
    rule: '(has(self.jwksUri) ? 1 : 0) + (has(self.jwks_uri) ? 1 : 0) + (has(self.jwks) ? 1 : 0) <= 1',
  },
  'must be a valid duration greater than 1ms': { id: 'cel.timeout.min-duration', rule: "duration(self) >= duration('1ms')" },
};

describe.skipIf(!peer)(`crd-schema.ts against istio.io/api@${ISTIO_API_VERSION} CRDs`, () => {
  it('pins the istio.io/api that the Istio oracle (test/peers/istio-oracle) builds against', async () => {
    const goMod = await readFile(join(import.meta.dirname, '../peers/istio-oracle/go/go.mod'), 'utf8');
    const required = /^\s*istio\.io\/api\s+(\S+)/m.exec(goMod)?.[1];
    expect(required, 'istio.io/api version in the oracle go.mod').toBe(ISTIO_API_VERSION);
    expect(peer!.info.apiVersion).toBe(ISTIO_API_VERSION);
  });

  describe.each(KINDS)('%s CRD', (kind, schema, zodSchema) => {
    it('serves v1 and v1beta1', () => {
      expect(peer!.info.versionsOf(kind)).toEqual([...VERSIONS]);
    });
    it.each(VERSIONS)('%s has the schema crd-schema.ts transcribes', (version) => {
      expect(ours(schema)).toEqual(normalize(specOf(kind, version)));
    });
    it.each(VERSIONS)('%s uses no schema keyword crd-schema.ts leaves out', (version) => {
      expect(unmodelled(specOf(kind, version), 'spec')).toEqual([]);
    });
    it.each(VERSIONS)('%s has only CEL rules that check-cel.ts implements', (version) => {
      const rules = celRules(specOf(kind, version));
      expect(rules.length).toBeGreaterThan(0);
      for (const { message, rule } of rules) {
        const known = CEL_RULES[message];
        expect(known, `CEL message ${JSON.stringify(message)}`).toBeDefined();
        expect(rule, `CEL expression of ${JSON.stringify(message)}`).toBe(known!.rule);
        expect(RULES, `rule id of ${JSON.stringify(message)}`).toHaveProperty([known!.id]);
      }
    });
    it.each(VERSIONS)('%s describes the same fields as the engine zod schema', (version) => {
      const fromZod = zodFields(zodSchema, 'spec').sort();
      const fromCrd = crdFields(specOf(kind, version), 'spec').sort();
      expect(fromCrd.filter((f) => !fromZod.includes(f))).toEqual([]);
      expect(fromZod.filter((f) => !fromCrd.includes(f))).toEqual([]);
    });
  });

  it('finds a difference when there is one (the comparisons are not vacuous)', () => {
    const spec = specOf('RequestAuthentication', 'v1');
    const jwtRule = spec.properties!['jwtRules']!.items!;
    const changed: OpenApiSchema = {
      ...spec,
      properties: { ...spec.properties, jwtRules: { ...spec.properties!['jwtRules']!, items: { ...jwtRule, properties: { ...jwtRule.properties, timeout: { type: 'string', maxLength: 64, format: 'duration' } } } } },
    };
    expect(ours(REQUEST_AUTHENTICATION_SPEC)).not.toEqual(normalize(changed));
    expect(unmodelled(changed, 'spec')).toEqual(['spec.jwtRules[].timeout: format']);
    expect(celRules(changed).map((r) => r.message)).not.toContain('must be a valid duration greater than 1ms');
  });
});
