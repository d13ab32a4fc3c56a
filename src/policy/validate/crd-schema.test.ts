// Pins crd-schema.ts to the CRDs Istio ships (test/fixtures/istio/validate/crds/security-crds.json,
// extracted from crd-all.gen.yaml of the pinned istio.io/istio): same fields, types, enums, limits,
// patterns and required lists; every CEL rule of the CRDs is implemented in check-cel.ts; and the
// engine's zod resource schemas describe the same fields (the one known difference is listed).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import type { z } from 'zod';

import { AuthorizationPolicySpecSchema } from '../resources/authorization-policy.js';
import { PeerAuthenticationSpecSchema } from '../resources/peer-authentication.js';
import { RequestAuthenticationSpecSchema } from '../resources/request-authentication.js';
import { AUTHORIZATION_POLICY_SPEC, type CrdSchema, PEER_AUTHENTICATION_SPEC, REQUEST_AUTHENTICATION_SPEC } from './crd-schema.js';

interface OpenApi {
  type?: string;
  properties?: Record<string, OpenApi>;
  items?: OpenApi;
  additionalProperties?: OpenApi;
  required?: string[];
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
  maxProperties?: number;
  minProperties?: number;
  'x-kubernetes-validations'?: { rule: string; message: string }[];
}

const crds = (JSON.parse(readFileSync(join(import.meta.dirname, '../../../test/fixtures/istio/validate/crds/security-crds.json'), 'utf8')) as { crds: Record<string, { versions: string[]; openAPIV3Schema: OpenApi }> }).crds;

function specOf(kind: string): OpenApi {
  const spec = crds[kind]?.openAPIV3Schema.properties?.['spec'];
  if (spec === undefined) throw new Error(`no spec for ${kind}`);
  return spec;
}

/** The CRD schema in crd-schema.ts's terms (CEL rules and the AP provider oneOf tautology left out). */
function normalize(s: OpenApi): unknown {
  switch (s.type) {
    case 'object':
      return {
        type: 'object',
        ...(s.properties === undefined ? {} : { properties: Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, normalize(v)])) }),
        ...(s.required === undefined ? {} : { required: s.required }),
        ...(s.additionalProperties === undefined ? {} : { additionalProperties: normalize(s.additionalProperties) }),
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

function celMessages(s: OpenApi, out: string[] = []): string[] {
  for (const v of s['x-kubernetes-validations'] ?? []) out.push(v.message);
  for (const child of Object.values(s.properties ?? {})) celMessages(child, out);
  if (s.items !== undefined) celMessages(s.items, out);
  if (s.additionalProperties !== undefined) celMessages(s.additionalProperties, out);
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

function crdFields(s: OpenApi, prefix: string, out: string[] = []): string[] {
  for (const [k, v] of Object.entries(s.properties ?? {})) {
    out.push(`${prefix}.${k}`);
    crdFields(v, `${prefix}.${k}`, out);
  }
  if (s.items !== undefined) crdFields(s.items, `${prefix}[]`, out);
  if (s.additionalProperties !== undefined) crdFields(s.additionalProperties, `${prefix}{}`, out);
  return out;
}

const KINDS = [
  ['AuthorizationPolicy', AUTHORIZATION_POLICY_SPEC, AuthorizationPolicySpecSchema],
  ['PeerAuthentication', PEER_AUTHENTICATION_SPEC, PeerAuthenticationSpecSchema],
  ['RequestAuthentication', REQUEST_AUTHENTICATION_SPEC, RequestAuthenticationSpecSchema],
] as const;

/** CEL messages of the CRDs, each implemented by check-cel.ts under the rule id shown. */
const CEL_RULES: Record<string, string> = {
  'only one of targetRefs or selector can be set': 'cel.selector-xor-target-ref',
  'Cannot set serviceAccounts with namespaces or principals': 'cel.source.service-accounts-exclusive',
  'wildcard not allowed in label value match': 'cel.selector.wildcard-value',
  'wildcard not allowed in label key match': 'cel.selector.wildcard-key',
  'key must not be empty': 'cel.selector.empty-key',
  'cross namespace referencing is not currently supported': 'cel.target-ref.namespace',
  'portLevelMtls requires selector': 'cel.port-level-mtls.requires-selector',
  'port must be between 1-65535': 'cel.port-level-mtls.port-range',
  'url must have scheme http:// or https://': 'cel.jwks-uri.scheme',
  'only one of jwks or jwksUri can be set': 'cel.jwks.exclusive',
  'must be a valid duration greater than 1ms': 'cel.timeout.min-duration',
};

describe.each(KINDS)('%s CRD', (kind, schema, zodSchema) => {
  it('serves v1 and v1beta1 with the schema crd-schema.ts transcribes', () => {
    expect(crds[kind]?.versions).toEqual(['v1', 'v1beta1']);
    expect(ours(schema)).toEqual(normalize(specOf(kind)));
  });
  it('has only CEL rules that check-cel.ts implements', () => {
    for (const message of celMessages(specOf(kind))) expect(CEL_RULES[message], message).toBeDefined();
  });
  it('describes the same fields as the engine zod schema, but for RequestAuthentication presence', () => {
    const fromZod = zodFields(zodSchema, 'spec').sort();
    const fromCrd = crdFields(specOf(kind), 'spec').sort();
    const onlyZod = fromZod.filter((f) => !fromCrd.includes(f));
    expect(fromCrd.filter((f) => !fromZod.includes(f))).toEqual([]);
    expect(onlyZod).toEqual(kind === 'RequestAuthentication' ? ['spec.jwtRules[].presence'] : []);
  });
});
