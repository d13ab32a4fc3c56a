// Holds gic's zod schemas of the three Istio security kinds against the CRDs Istio publishes
// (istio.io/api, kubernetes/customresourcedefinitions.gen.yaml), fetched at test time by
// test/support/istio-crds.ts (the version pinned there): same property names recursively, same types,
// same enums, same required fields, for AuthorizationPolicy, PeerAuthentication and
// RequestAuthentication in v1 and v1beta1.
// Without Go or the proxy the suite fails under CI=true and is skipped elsewhere, with the reason printed.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

import { AuthorizationPolicySpecSchema } from '../../src/policy/resources/authorization-policy.js';
import { PeerAuthenticationSpecSchema } from '../../src/policy/resources/peer-authentication.js';
import { RequestAuthenticationSpecSchema } from '../../src/policy/resources/request-authentication.js';
import { ISTIO_API_VERSION, type OpenApiSchema, startIstioCrdsOrSkip } from '../support/istio-crds.js';

const peer = await startIstioCrdsOrSkip();

/** The part of a JSON schema (the CRD's or z.toJSONSchema's) this comparison reads. */
type JsonSchema = {
  type?: string | string[];
  enum?: readonly unknown[];
  properties?: Readonly<Record<string, JsonSchema>>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  required?: readonly string[];
};

function crdSpec(kind: string, version: string): JsonSchema | undefined {
  const schema: OpenApiSchema | undefined = peer!.info.schemas.get(`${kind}/${version}`);
  return schema?.properties?.['spec'];
}

/**
 * Differences we keep on purpose, as `Kind path: message` lines exactly as compare() prints them, with
 * the reason; each must still occur (a stale entry fails). Not compared at all: CEL rules
 * (x-kubernetes-validations), oneOf/anyOf (at most one of selector/targetRef/targetRefs), min/max
 * lengths and item counts, patterns: those are validation rules, pinned by crd-schema-pin.test.ts and
 * checked in src/policy/validate with their own rule ids, not structure.
 */
const DELIBERATE: Readonly<Record<string, string>> = {};

function typeOf(schema: JsonSchema): string | undefined {
  const t = Array.isArray(schema.type) ? schema.type.filter((x) => x !== 'null').join('|') : schema.type;
  if (t === undefined && schema.enum !== undefined) return 'string';
  return t;
}

/** Every structural difference between the CRD schema and ours, as `path: message` lines. */
function compare(crd: JsonSchema, ours: JsonSchema, path: string, out: string[]): void {
  const crdType = typeOf(crd);
  const ourType = typeOf(ours);
  if (crdType !== ourType) out.push(`${path}: type ${String(crdType)} in the CRD, ${String(ourType)} in gic`);
  const crdEnum = [...(crd.enum ?? [])].map(String).sort();
  const ourEnum = [...(ours.enum ?? [])].map(String).sort();
  if (JSON.stringify(crdEnum) !== JSON.stringify(ourEnum)) out.push(`${path}: enum ${JSON.stringify(crdEnum)} in the CRD, ${JSON.stringify(ourEnum)} in gic`);
  const crdRequired = [...(crd.required ?? [])].sort();
  const ourRequired = [...(ours.required ?? [])].sort();
  if (JSON.stringify(crdRequired) !== JSON.stringify(ourRequired)) out.push(`${path}: required ${JSON.stringify(crdRequired)} in the CRD, ${JSON.stringify(ourRequired)} in gic`);
  const crdProps = crd.properties ?? {};
  const ourProps = ours.properties ?? {};
  for (const name of new Set([...Object.keys(crdProps), ...Object.keys(ourProps)])) {
    const a = crdProps[name];
    const b = ourProps[name];
    if (a === undefined) out.push(`${path}.${name}: only in gic`);
    else if (b === undefined) out.push(`${path}.${name}: missing in gic`);
    else compare(a, b, `${path}.${name}`, out);
  }
  if (crd.items !== undefined || ours.items !== undefined) {
    if (crd.items === undefined || ours.items === undefined) out.push(`${path}[]: items in only one schema`);
    else compare(crd.items, ours.items, `${path}[]`, out);
  }
  const crdAdditional = typeof crd.additionalProperties === 'object' ? crd.additionalProperties : undefined;
  const ourAdditional = typeof ours.additionalProperties === 'object' ? ours.additionalProperties : undefined;
  if (crdAdditional !== undefined || (ourAdditional !== undefined && Object.keys(ourAdditional).length > 0)) {
    if (crdAdditional === undefined || ourAdditional === undefined) out.push(`${path}{}: map values in only one schema`);
    else compare(crdAdditional, ourAdditional, `${path}{}`, out);
  }
}

const KINDS = [
  ['AuthorizationPolicy', AuthorizationPolicySpecSchema],
  ['PeerAuthentication', PeerAuthenticationSpecSchema],
  ['RequestAuthentication', RequestAuthenticationSpecSchema],
] as const;

describe.skipIf(!peer)(`gic schemas against istio.io/api ${ISTIO_API_VERSION} CRDs`, () => {
  for (const [kind, schema] of KINDS) {
    for (const version of ['v1', 'v1beta1']) {
      it(`${kind} ${version}: same fields, types, enums and required fields`, () => {
        const crd = crdSpec(kind, version);
        expect(crd, `${kind}/${version} is in the published CRDs`).toBeDefined();
        const ours = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
        const differences: string[] = [];
        compare(crd!, ours, 'spec', differences);
        const lines = differences.map((d) => `${kind} ${d}`);
        expect(lines.filter((line) => !(line in DELIBERATE))).toEqual([]);
        expect(Object.keys(DELIBERATE).filter((line) => line.startsWith(`${kind} `) && !lines.includes(line)), 'deliberate differences that no longer occur').toEqual([]);
      });
    }
  }

  it('finds a difference when there is one (the comparison is not vacuous)', () => {
    const crd = crdSpec('AuthorizationPolicy', 'v1')!;
    const ours = z.toJSONSchema(AuthorizationPolicySpecSchema.omit({ provider: true }).extend({ extra: z.number().optional() }), { io: 'input' }) as JsonSchema;
    const differences: string[] = [];
    compare(crd, ours, 'spec', differences);
    expect(differences).toEqual(expect.arrayContaining(['spec.provider: missing in gic', 'spec.extra: only in gic']));
  });
});
