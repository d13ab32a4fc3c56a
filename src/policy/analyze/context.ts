// What an analyzer sees (istio pkg/config/analysis `Context`): read-only views over the snapshot's
// index and a `report` for findings. Every read records the dependency key it touched (`Kind:namespace`,
// `Kind:*`, `MeshConfig`), so run-analyzers can keep results per subject and recompute only subjects
// whose inputs changed. Analyzers must read the snapshot only through this context.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { CompiledMesh } from '../evaluate/compile-mesh.js';
import type { Decision, DecisionKind } from '../evaluate/decision.js';
import { evaluateRequest } from '../evaluate/evaluate-request.js';
import type { EffectiveMtls } from '../evaluate/mtls-mode.js';
import type { MeshConfig } from '../resources/mesh-config.js';
import type { GerritFacts } from './gerrit-facts.js';
import type { AuthorizationPolicy, Gateway, Mesh, MeshObject, ObjectRef, PeerAuthentication, RequestAuthentication, Service, Workload } from '../resources/mesh.js';
import type { IstiodFacts, ValidatedDocument } from './analysis-snapshot.js';
import type { MechanicalEdit } from '../fix/mechanical-edit.js';
import type { Finding, Witness } from './finding.js';
import type { AttachedAuthorization, MeshIndex, PortProtocol, Selectable } from './mesh-index.js';
import { type Code, docsOf, type Level, type MessageArgs, MESSAGES, renderMessage } from './messages.js';

/** Where a finding points: a snapshot object or a validated document. */
export type FindingTarget = MeshObject | ValidatedDocument;

export interface ReportInput<C extends Code> {
  readonly target: FindingTarget;
  readonly field: string;
  readonly args: MessageArgs<C>;
  /** What happens at runtime (appended to the message). */
  readonly effect: string;
  readonly fix: string;
  /** The fix as an edit of the document, when it needs no judgement (src/policy/fix). */
  readonly edit?: MechanicalEdit;
  readonly witness?: Witness;
  /** Overrides the catalog level (validation warnings of PeerAuthentication / RequestAuthentication). */
  readonly level?: Level;
}

function isValidated(t: FindingTarget): t is ValidatedDocument {
  return 'doc' in t && 'result' in t;
}

const KEYS = new Map<string, Map<string, string>>();

/** `Kind:namespace`, interned (reads are recorded on hot paths). */
export function dependencyKey(kind: string, namespace: string): string {
  let byNs = KEYS.get(kind);
  if (byNs === undefined) KEYS.set(kind, (byNs = new Map()));
  let key = byNs.get(namespace);
  if (key === undefined) byNs.set(namespace, (key = `${kind}:${namespace}`));
  return key;
}

/** The dependency key of the analysis clock: results that read it are judged again when it moves. */
export const CLOCK_KEY = 'Clock';

/** A set that keeps nothing: the reads of a one-off full analysis, which nobody asks for. */
class IgnoredReads extends Set<string> {
  override add(): this {
    return this;
  }
}

/** Pass as `reads` when the dependency keys are not needed (a one-off full run): reads cost nothing then. */
export const IGNORED_READS: Set<string> = new IgnoredReads();

export class AnalysisContext {
  readonly findings: Finding[] = [];
  private readonly tracking: boolean;

  constructor(
    private readonly index: MeshIndex,
    /** Dependency keys read so far; shared by the caller to learn what a subject depended on. */
    readonly reads: Set<string>,
  ) {
    this.tracking = reads !== IGNORED_READS;
  }

  private lastKind = '';
  private lastNamespace = '';

  private read(kind: string, namespace: string): void {
    if (!this.tracking) return;
    // Loops read the same key over and over: skip the lookup for a repeat of the previous read.
    if (kind === this.lastKind && namespace === this.lastNamespace) return;
    this.lastKind = kind;
    this.lastNamespace = namespace;
    this.reads.add(dependencyKey(kind, namespace));
  }

  get meshConfig(): MeshConfig {
    this.reads.add('MeshConfig');
    return this.index.mesh.meshConfig;
  }

  get rootNamespace(): string {
    this.reads.add('MeshConfig');
    return this.index.rootNamespace;
  }

  /** Mesh trust domain first, then its aliases. */
  get trustDomains(): readonly string[] {
    this.reads.add('MeshConfig');
    return this.index.trustDomains;
  }

  knownNamespaces(): ReadonlySet<string> {
    this.read('Namespace', '*');
    this.read('Workload', '*');
    return this.index.knownNamespaces;
  }

  hasServiceAccount(namespace: string, name: string): boolean {
    this.read('ServiceAccount', namespace);
    this.read('Workload', namespace);
    return this.index.hasServiceAccount(namespace, name);
  }

  /** Whether a principal pattern matches the identity of some known ServiceAccount. */
  identityPatternMatches(pattern: string, matches: (pattern: string, value: string) => boolean): boolean {
    this.read('ServiceAccount', '*');
    this.read('Workload', '*');
    this.reads.add('MeshConfig');
    return this.index.identityPatternMatches(pattern, matches);
  }

  workloadsIn(namespace: string): readonly Workload[] {
    this.read('Workload', namespace);
    return this.index.workloadsByNs.get(namespace) ?? [];
  }

  allWorkloads(): readonly Workload[] {
    this.read('Workload', '*');
    return this.index.mesh.workloads;
  }

  /** In-mesh workloads a selector / namespace policy applies to. */
  workloadsOf(policy: Selectable): Workload[] {
    this.reads.add('MeshConfig');
    if (policy.namespace === this.index.rootNamespace) this.read('Workload', '*');
    else this.read('Workload', policy.namespace);
    this.read('Gateway', policy.namespace);
    return this.index.workloadsOf(policy);
  }

  private readPolicies(kind: string, w: Workload): void {
    this.reads.add('MeshConfig');
    this.read(kind, this.index.rootNamespace);
    this.read(kind, w.namespace);
  }

  authorizationFor(w: Workload): AttachedAuthorization {
    this.readPolicies('AuthorizationPolicy', w);
    return this.index.authorizationFor(w);
  }

  requestAuthenticationsFor(w: Workload): readonly RequestAuthentication[] {
    this.readPolicies('RequestAuthentication', w);
    return this.index.requestAuthenticationsFor(w);
  }

  mtlsFor(w: Workload, port: number | undefined): EffectiveMtls {
    this.readPolicies('PeerAuthentication', w);
    return this.index.mtlsFor(w, port);
  }

  servicesFor(w: Workload): readonly Service[] {
    this.read('Service', w.namespace);
    return this.index.servicesFor(w);
  }

  servicesIn(namespace: string): readonly Service[] {
    this.read('Service', namespace);
    return this.index.servicesByNs.get(namespace) ?? [];
  }

  portsOf(w: Workload): number[] {
    this.read('Service', w.namespace);
    return this.index.portsOf(w);
  }

  protocolOf(w: Workload, port: number): PortProtocol | undefined {
    this.read('Service', w.namespace);
    return this.index.protocolOf(w, port);
  }

  /** Ports of the workload that a Service declares TCP. */
  tcpPortsOf(w: Workload): readonly number[] {
    this.read('Service', w.namespace);
    return this.index.tcpPortsOf(w);
  }

  gateway(namespace: string, name: string): Gateway | undefined {
    this.read('Gateway', namespace);
    return this.index.gateways.get(`${namespace}/${name}`);
  }

  authorizationPoliciesIn(namespace: string): readonly AuthorizationPolicy[] {
    this.read('AuthorizationPolicy', namespace);
    return this.index.authorizationByNs.get(namespace) ?? [];
  }

  peerAuthenticationsIn(namespace: string): readonly PeerAuthentication[] {
    this.read('PeerAuthentication', namespace);
    return this.index.peerAuthnByNs.get(namespace) ?? [];
  }

  namespaceLabels(namespace: string): Readonly<Record<string, string>> {
    this.read('Namespace', '*');
    return this.index.mesh.namespaces.get(namespace)?.labels ?? {};
  }

  istiod(): readonly IstiodFacts[] {
    this.reads.add('Istiod');
    return this.index.snapshot.istiod;
  }

  gerrit(): GerritFacts | undefined {
    this.reads.add('Gerrit');
    return this.index.snapshot.gerrit;
  }

  /** The whole mesh: reads every kind in every namespace. */
  wholeMesh(): Mesh {
    for (const kind of ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'Workload', 'Service', 'ServiceAccount', 'Namespace', 'Gateway']) this.read(kind, '*');
    this.reads.add('MeshConfig');
    return this.index.mesh;
  }

  /** Reports a finding built elsewhere in the finding shape (code, level, resource, field, `file:line`, message). */
  reportBuilt(f: { readonly code: Code; readonly level: Level; readonly resource: ObjectRef; readonly field: string; readonly source: string; readonly message: string }, fix: string): void {
    const colon = f.source.lastIndexOf(':');
    const file = colon < 0 ? f.source : f.source.slice(0, colon);
    const line = colon < 0 ? 1 : Number(f.source.slice(colon + 1)) || 1;
    this.findings.push({ code: f.code, level: f.level, resource: f.resource, field: f.field, source: `${file}:${line}`, file, line, message: f.message, fix, refs: MESSAGES[f.code].refs, docs: docsOf(f.code) });
  }

  report<C extends Code>(code: C, input: ReportInput<C>): void {
    const t = input.target;
    const resource: ObjectRef = isValidated(t) ? t.ref : { kind: t.kind, namespace: t.namespace, name: t.name };
    const file = isValidated(t) ? t.doc.file : t.source.file;
    const line = this.index.lineOf(t, input.field, isValidated(t) ? (f) => t.doc.lineOf(f) : (f) => t.lineOf(f));
    const entry = MESSAGES[code];
    const problem = renderMessage(code, input.args);
    this.findings.push({
      code,
      level: input.level ?? entry.level,
      resource,
      field: input.field,
      source: `${file}:${line}`,
      file,
      line,
      message: input.effect === '' ? problem : `${problem}. ${input.effect}`,
      fix: input.fix,
      ...(input.edit === undefined ? {} : { edit: input.edit }),
      refs: entry.refs,
      docs: docsOf(code),
      ...(input.witness === undefined ? {} : { witness: input.witness }),
    });
  }

  /** The analysis clock (AnalysisOptions `now`), undefined when the caller gave none. */
  get now(): Date | undefined {
    this.reads.add(CLOCK_KEY);
    return this.index.now;
  }

  /** Records what deciding a request to a workload of `namespace` reads. */
  private readDecisionInputs(namespace: string): void {
    for (const kind of ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication']) {
      this.read(kind, this.index.rootNamespace);
      this.read(kind, namespace);
    }
    this.read('Workload', namespace);
    this.read('Service', namespace);
    this.read('Gateway', namespace);
    this.reads.add('MeshConfig');
  }

  /**
   * The evaluator's decision on a request to a workload of the snapshot, for analyzers whose condition is
   * a decision (the kubelet's probe is rejected, a TCP connection is denied): always evaluated, whatever
   * `verifyWitnesses` says.
   */
  decide(request: AccessRequest): Decision {
    this.readDecisionInputs(request.to.namespace);
    return evaluateRequest(this.index.compiledFor(request.to.namespace), request, { trace: false });
  }

  /**
   * Decides requests to `w` against the given AuthorizationPolicies instead of the ones that apply to it
   * (what-if proofs: a variant of a policy, or only the policies that can decide a TCP port); the
   * variant is compiled on the first call of the returned function.
   */
  deciderWith(w: Workload, policies: () => readonly AuthorizationPolicy[]): (request: AccessRequest) => Decision {
    this.readDecisionInputs(w.namespace);
    let compiled: CompiledMesh | undefined;
    return (request) => evaluateRequest((compiled ??= this.index.compiledForWorkload(w, policies())), request, { trace: false });
  }

  /**
   * Evaluates a candidate witness with the evaluator and returns it only when the decision is the one
   * expected (and, when given, `check` accepts the decision), so a finding never carries a witness that
   * does not show its problem. With `verifyWitnesses` off the candidate is returned unverified.
   */
  witness(request: AccessRequest, expected: DecisionKind, explanation: string, check?: (d: Decision) => boolean): Witness | undefined {
    if (!this.index.verifyWitnesses) {
      this.readDecisionInputs(request.to.namespace);
      return { request, decision: expected, explanation, verified: false };
    }
    return this.proof(request, expected, explanation, check);
  }

  /** As `witness`, for findings whose condition is the decision itself: always evaluated. */
  proof(request: AccessRequest, expected: DecisionKind, explanation: string, check?: (d: Decision) => boolean): Witness | undefined {
    const decision = this.decide(request);
    if (decision.decision !== expected) return undefined;
    if (check !== undefined && !check(decision)) return undefined;
    return { request, decision: expected, explanation };
  }
}
