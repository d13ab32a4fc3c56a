// Test-time loader of the CRDs Istio publishes (kubernetes/customresourcedefinitions.gen.yaml of the
// istio.io/api Go module), fetched through the Go module proxy with `go mod download` and parsed once
// per test process, so drift is caught when Istio changes instead of being frozen in a committed copy.
// It must not keep a copy of the CRDs in the repo or fall back to one: without Go or the proxy it throws
// PeerUnavailableError, and startIstioCrdsOrSkip applies the peer rule (fail under CI=true, else skip).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { parseAllDocuments } from 'yaml';

import { PeerUnavailableError, type RunningPeer, startPeerOrSkip } from '../peers/peer.js';

/**
 * The one istio.io/api version the tests hold gic against: the version the pinned istio.io/istio of
 * test/peers/istio-oracle/go/go.mod requires. src/policy/validate/crd-schema.ts was transcribed from
 * that istio.io/istio's manifests/charts/base/files/crd-all.gen.yaml, which is this module's
 * customresourcedefinitions.gen.yaml (same security schemas). v1.32.0 differs for the security kinds
 * only by RequestAuthentication spec.jwtRules[].presence (enum OPTIONAL, REQUIRED), which it adds.
 * Bump this together with the oracle's istio.io/istio (crd-schema-pin.test.ts checks they agree).
 */
export const ISTIO_API_VERSION = 'v1.31.0-rc.0.0.20260824154656-b943409680a7';

/** An OpenAPI v3 schema node as CRDs spell it (only what the tests read is typed; the rest is kept). */
export interface OpenApiSchema {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, OpenApiSchema>>;
  readonly items?: OpenApiSchema;
  readonly additionalProperties?: OpenApiSchema | boolean;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly minProperties?: number;
  readonly oneOf?: readonly OpenApiSchema[];
  readonly anyOf?: readonly OpenApiSchema[];
  readonly not?: OpenApiSchema;
  readonly 'x-kubernetes-validations'?: readonly { readonly rule: string; readonly message: string }[];
  readonly [keyword: string]: unknown;
}

export interface IstioCrds {
  /** The istio.io/api version the CRDs come from (ISTIO_API_VERSION). */
  readonly apiVersion: string;
  /** The module's `h1:` checksum as `go mod download` verified it. */
  readonly sum: string;
  /** `Kind/version` (e.g. `AuthorizationPolicy/v1`) -> that version's full openAPIV3Schema. */
  readonly schemas: ReadonlyMap<string, OpenApiSchema>;
  /** The versions a kind serves, in the CRD's order (empty for an unknown kind). */
  versionsOf(kind: string): readonly string[];
}

const run = promisify(execFile);
let loading: Promise<IstioCrds> | undefined;

/** Fetches and parses the CRDs of ISTIO_API_VERSION (once per process); PeerUnavailableError without Go or the proxy. */
export function loadIstioCrds(): Promise<IstioCrds> {
  loading ??= fetchAndParse();
  return loading;
}

/** loadIstioCrds under the peer rule: undefined (reason printed) when unavailable, unless CI=true. */
export function startIstioCrdsOrSkip(): Promise<RunningPeer<IstioCrds> | undefined> {
  return startPeerOrSkip(`istio.io/api@${ISTIO_API_VERSION} CRDs`, async () => ({ info: await loadIstioCrds(), stop: async () => {} }));
}

async function fetchAndParse(): Promise<IstioCrds> {
  const { dir, sum } = await downloadModule();
  const text = await readFile(join(dir, 'kubernetes', 'customresourcedefinitions.gen.yaml'), 'utf8');
  const schemas = new Map<string, OpenApiSchema>();
  const versions = new Map<string, string[]>();
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`istio.io/api@${ISTIO_API_VERSION} CRDs do not parse: ${doc.errors[0]!.message}`);
    const crd = doc.toJS() as { kind?: string; spec?: { names?: { kind?: string }; versions?: { name: string; schema?: { openAPIV3Schema?: OpenApiSchema } }[] } } | null;
    const kind = crd?.spec?.names?.kind;
    if (crd?.kind !== 'CustomResourceDefinition' || kind === undefined) continue;
    for (const version of crd.spec?.versions ?? []) {
      const schema = version.schema?.openAPIV3Schema;
      if (schema === undefined) continue;
      const key = `${kind}/${version.name}`;
      if (schemas.has(key)) throw new Error(`istio.io/api@${ISTIO_API_VERSION} defines ${key} twice`);
      schemas.set(key, schema);
      versions.set(kind, [...(versions.get(kind) ?? []), version.name]);
    }
  }
  if (schemas.size === 0) throw new Error(`istio.io/api@${ISTIO_API_VERSION}: no CRD schemas in customresourcedefinitions.gen.yaml`);
  return { apiVersion: ISTIO_API_VERSION, sum, schemas, versionsOf: (kind) => versions.get(kind) ?? [] };
}

async function downloadModule(): Promise<{ dir: string; sum: string }> {
  try {
    await run('go', ['version']);
  } catch (error) {
    throw new PeerUnavailableError(`Go is not installed (needed to fetch istio.io/api@${ISTIO_API_VERSION}): ${String(error)}`);
  }
  // Outside any module (cwd /, GOWORK off) so the download neither depends on nor touches a go.mod.
  const options = { cwd: '/', maxBuffer: 1 << 20, env: { ...process.env, GOWORK: 'off' } };
  let stdout: string;
  try {
    ({ stdout } = await run('go', ['mod', 'download', '-json', `istio.io/api@${ISTIO_API_VERSION}`], options));
  } catch (error) {
    const detail = (error as { stdout?: string }).stdout?.trim();
    throw new PeerUnavailableError(`go mod download istio.io/api@${ISTIO_API_VERSION} failed (is the Go module proxy reachable?): ${detail || String(error)}`);
  }
  const info = JSON.parse(stdout) as { Dir?: string; Sum?: string; Error?: string };
  if (info.Dir === undefined || info.Sum === undefined) throw new PeerUnavailableError(`go mod download istio.io/api@${ISTIO_API_VERSION}: ${info.Error ?? stdout}`);
  return { dir: info.Dir, sum: info.Sum };
}
