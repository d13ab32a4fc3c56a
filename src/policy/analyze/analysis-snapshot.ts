// The immutable input of the analyzers: the Mesh snapshot (parse/buildMesh), every Istio security
// document with its validation result (validate/validateDocument, including documents the CRD schema
// keeps out of the Mesh), what istiod's Deployment says about JWKS fetches, and which inputs exist.
// Built from text sources with one parse per file. Pure: values in, values out.
import { buildMesh } from '../parse/build-mesh.js';
import type { MeshFinding } from '../parse/mesh-finding.js';
import { parseDocuments } from '../parse/parse-documents.js';
import type { ParsedDocument } from '../parse/parsed-document.js';
import type { Mesh, ObjectRef } from '../resources/mesh.js';
import type { ValidatedResource } from '../validate/validate-report.js';
import { validateDocument } from '../validate/validate-document.js';
import type { InputKind } from './input-kind.js';
import type { GerritFacts } from './gerrit-facts.js';

export interface AnalysisSource {
  readonly file: string;
  readonly text: string;
}

/** One Istio security document and its `gic validate` verdict. */
export interface ValidatedDocument {
  readonly ref: ObjectRef;
  readonly doc: ParsedDocument;
  readonly result: ValidatedResource;
}

/** istiod as the snapshot shows it (a Deployment labelled app=istiod), when it does. */
export interface IstiodFacts {
  readonly ref: ObjectRef;
  /** The BLOCKED_CIDRS_IN_JWKS_URIS env var is set on its discovery container. */
  readonly restrictsJwksFetch: boolean;
}

export interface AnalysisSnapshot {
  readonly mesh: Mesh;
  readonly documents: readonly ParsedDocument[];
  readonly validated: readonly ValidatedDocument[];
  readonly istiod: readonly IstiodFacts[];
  /** Parse and mesh-building findings (malformed YAML, duplicates...), for the caller to show. */
  readonly inputFindings: readonly MeshFinding[];
  readonly present: ReadonlySet<InputKind>;
  /** Optional Gerrit facts (groups), for the GIC5xx analyzers; absent without a Gerrit source. */
  readonly gerrit?: GerritFacts;
}

const SECURITY_KINDS = new Set(['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']);

function record(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Kind, namespace and name of a document (namespace `default` when absent, as kubectl does). */
export function documentRef(doc: ParsedDocument): (ObjectRef & { readonly apiVersion: string }) | undefined {
  const value = record(doc.value);
  if (value === undefined) return undefined;
  const kind = str(value['kind']);
  if (kind === undefined) return undefined;
  const metadata = record(value['metadata']);
  const namespace = str(metadata?.['namespace']);
  return { kind, namespace: namespace === undefined || namespace === '' ? 'default' : namespace, name: str(metadata?.['name']) ?? '', apiVersion: str(value['apiVersion']) ?? '' };
}

/** istiod Deployments and whether they restrict JWKS fetches (IST0175's inputs). */
export function readIstiod(doc: ParsedDocument): IstiodFacts | undefined {
  const ref = documentRef(doc);
  if (ref === undefined || ref.kind !== 'Deployment') return undefined;
  const template = record(record(record(doc.value)?.['spec'])?.['template']);
  const labels = record(record(template?.['metadata'])?.['labels']);
  if (labels?.['app'] !== 'istiod') return undefined;
  const containers = record(template?.['spec'])?.['containers'];
  let restricts = false;
  for (const c of Array.isArray(containers) ? containers : []) {
    const env = record(c)?.['env'];
    for (const e of Array.isArray(env) ? env : []) if (record(e)?.['name'] === 'BLOCKED_CIDRS_IN_JWKS_URIS') restricts = true;
  }
  return { ref, restrictsJwksFetch: restricts };
}

export function validateSecurityDocument(doc: ParsedDocument): ValidatedDocument | undefined {
  const ref = documentRef(doc);
  if (ref === undefined || !SECURITY_KINDS.has(ref.kind)) return undefined;
  const result = validateDocument(doc);
  if (result === undefined) return undefined;
  return { ref: { kind: ref.kind, namespace: result.namespace, name: result.name }, doc, result };
}

/** Which inputs the snapshot holds. */
export function presentInputs(mesh: Mesh, validated: readonly ValidatedDocument[], istiod: readonly IstiodFacts[], gerrit: GerritFacts | undefined): Set<InputKind> {
  const present = new Set<InputKind>(['MeshConfig']);
  if (mesh.authorizationPolicies.length > 0) present.add('AuthorizationPolicy');
  if (mesh.peerAuthentications.length > 0) present.add('PeerAuthentication');
  if (mesh.requestAuthentications.length > 0) present.add('RequestAuthentication');
  if (mesh.workloads.length > 0) present.add('Workload');
  if (mesh.services.length > 0) present.add('Service');
  if (mesh.serviceAccounts.length > 0) present.add('ServiceAccount');
  if (mesh.namespaces.size > 0) present.add('Namespace');
  if (validated.length > 0) present.add('Validation');
  if (istiod.length > 0) present.add('IstiodDeployment');
  if (gerrit !== undefined) present.add('GerritGroups');
  return present;
}

/**
 * Leaves out the security policies that validation rejects: the API server or istiod would refuse them,
 * so they take no part in the mesh (their GIC100/200/300 findings say why).
 */
export function withoutRejected(mesh: Mesh, validated: readonly ValidatedDocument[]): Mesh {
  const rejected = new Set(validated.filter((v) => v.result.errors.length > 0).map((v) => `${v.ref.kind}/${v.ref.namespace}/${v.ref.name}`));
  if (rejected.size === 0) return mesh;
  const keep = <T extends ObjectRef>(list: readonly T[]): T[] => list.filter((o) => !rejected.has(`${o.kind}/${o.namespace}/${o.name}`));
  return Object.freeze({ ...mesh, authorizationPolicies: keep(mesh.authorizationPolicies), peerAuthentications: keep(mesh.peerAuthentications), requestAuthentications: keep(mesh.requestAuthentications) });
}

/** Builds the snapshot from parsed documents (each file parsed once). */
export function snapshotFromDocuments(documents: readonly ParsedDocument[], parseFindings: readonly MeshFinding[] = [], gerrit?: GerritFacts): AnalysisSnapshot {
  const built = buildMesh(documents);
  const validated: ValidatedDocument[] = [];
  const istiod: IstiodFacts[] = [];
  for (const doc of documents) {
    const v = validateSecurityDocument(doc);
    if (v !== undefined) validated.push(v);
    const i = readIstiod(doc);
    if (i !== undefined) istiod.push(i);
  }
  const mesh = withoutRejected(built.mesh, validated);
  return {
    mesh,
    documents,
    validated,
    istiod,
    inputFindings: [...parseFindings, ...built.findings],
    present: presentInputs(mesh, validated, istiod, gerrit),
    ...(gerrit === undefined ? {} : { gerrit }),
  };
}

/** Parses text sources (YAML or JSON, multi-document) into a snapshot. */
export function buildAnalysisSnapshot(sources: readonly AnalysisSource[], gerrit?: GerritFacts): AnalysisSnapshot {
  const documents: ParsedDocument[] = [];
  const findings: MeshFinding[] = [];
  for (const source of sources) {
    const parsed = parseDocuments(source.text, source.file);
    documents.push(...parsed.documents);
    findings.push(...parsed.findings);
  }
  return snapshotFromDocuments(documents, findings, gerrit);
}
