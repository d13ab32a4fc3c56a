// Holds gic's zod schemas of the three Istio security kinds against the CRDs Istio publishes
// (istio.io/api, kubernetes/customresourcedefinitions.gen.yaml), fetched at test time through the Go
// module proxy: same property names recursively, same types, same enums, same required fields, for
// AuthorizationPolicy, PeerAuthentication and RequestAuthentication in v1 and v1beta1.
// Without Go the suite fails under CI=true and is skipped elsewhere, with the reason printed.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';

import { AuthorizationPolicySpecSchema } from '../../src/policy/resources/authorization-policy.js';
import { PeerAuthenticationSpecSchema } from '../../src/policy/resources/peer-authentication.js';
import { RequestAuthenticationSpecSchema } from '../../src/policy/resources/request-authentication.js';
import { PeerUnavailableError, startPeerOrSkip } from '../peers/peer.js';

const ISTIO_API_VERSION = 'v1.32.0';
const run = promisify(execFile);

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  required?: string[];
};

interface Crds {
  /** `Kind/version` -> openAPIV3Schema.properties.spec */
  readonly specs: ReadonlyMap<string, JsonSchema>;
}

async function loadCrds(): Promise<Crds> {
  try {
    await run('go', ['version']);
  } catch (error) {
    throw new PeerUnavailableError(`Go is not installed (needed to fetch istio.io/api ${ISTIO_API_VERSION}): ${String(error)}`);
  }
  let dir: string;
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', `istio.io/api@${ISTIO_API_VERSION}`], { cwd: '/', maxBuffer: 1 << 20 });
    dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  } catch (error) {
    throw new PeerUnavailableError(`go mod download istio.io/api@${ISTIO_API_VERSION} failed: ${String(error)}`);
  }
  const text = await readFile(join(dir, 'kubernetes', 'customresourcedefinitions.gen.yaml'), 'utf8');
  const specs = new Map<string, JsonSchema>();
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS() as {
      spec?: { names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: JsonSchema } }[] };
    } | null;
    const kind = crd?.spec?.names?.kind;
    for (const version of crd?.spec?.versions ?? []) {
      const spec = version.schema?.openAPIV3Schema?.properties?.['spec'];
      if (kind !== undefined && spec !== undefined) specs.set(`${kind}/${version.name}`, spec);
    }
  }
  return { specs };
}

const peer = await startPeerOrSkip('istio-api-crds', async () => ({ info: await loadCrds(), stop: async () => {} }));

/**
 * Differences we keep on purpose, by path (`*` = any kind/version):
 * none at present. Not compared at all: CEL rules (x-kubernetes-validations), oneOf/anyOf (at most one
 * of selector/targetRef/targetRefs), min/max lengths and item counts, patterns: those are validation
 * rules, checked in src/policy/validate with their own rule ids, not structure.
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
        const crd = peer!.info.specs.get(`${kind}/${version}`);
        expect(crd, `${kind}/${version} is in the published CRDs`).toBeDefined();
        const ours = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
        const differences: string[] = [];
        compare(crd!, ours, 'spec', differences);
        const unexpected = differences.filter((d) => !Object.keys(DELIBERATE).some((p) => d.startsWith(p.replace('*', `${kind}`)) || d.startsWith(p)));
        expect(unexpected).toEqual([]);
      });
    }
  }

  it('finds a difference when there is one (the comparison is not vacuous)', () => {
    const crd = peer!.info.specs.get('AuthorizationPolicy/v1')!;
    const ours = z.toJSONSchema(AuthorizationPolicySpecSchema.omit({ provider: true }).extend({ extra: z.number().optional() }), { io: 'input' }) as JsonSchema;
    const differences: string[] = [];
    compare(crd, ours, 'spec', differences);
    expect(differences).toEqual(expect.arrayContaining(['spec.provider: missing in gic', 'spec.extra: only in gic']));
  });
});
