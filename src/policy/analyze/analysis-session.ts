// Incremental analysis: keeps every (analyzer, subject) result with the dependency keys its analysis
// read, plus the reverse map from each key to the results that read it. After a change only the
// subjects that changed or read a key the change touched (`Kind:namespace`, `Kind:*`) are judged again,
// and the sorted finding list is patched rather than rebuilt. The Mesh is patched too: only the changed
// documents go through buildMesh and validation. Changes to Namespaces, Gateways, the mesh ConfigMap or
// istiod rebuild everything (they change how every workload is read). Pure: text in, findings out.
import { buildMesh } from '../parse/build-mesh.js';
import type { MeshFinding } from '../parse/mesh-finding.js';
import { parseDocuments } from '../parse/parse-documents.js';
import type { ParsedDocument } from '../parse/parsed-document.js';
import type { Mesh, ObjectRef } from '../resources/mesh.js';
import { type AnalysisSnapshot, type AnalysisSource, documentRef, presentInputs, readIstiod, snapshotFromDocuments, validateSecurityDocument, withoutRejected } from './analysis-snapshot.js';
import type { AnalysisOptions } from './analysis-options.js';
import type { GerritFacts } from './gerrit-facts.js';
import type { Analyzer, SubjectKind } from './analyzer.js';
import { CLOCK_KEY, dependencyKey } from './context.js';
import { compareFindings, type Finding } from './finding.js';
import { MeshIndex } from './mesh-index.js';
import { analyzeSubject, documentSubjectId, missingInputs, type SkippedAnalyzer, subjectsOf, type SubjectResult } from './run-analyzers.js';

const WORKLOAD_KINDS = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);
const STRUCTURAL_KINDS = new Set(['Namespace', 'Gateway', 'ConfigMap']);
const NAMESPACE_INPUTS = ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication', 'Workload', 'Service', 'Gateway'];

export interface UpdateStats {
  /** Subjects (per analyzer) judged again. */
  readonly recomputed: number;
  /** Subjects whose previous result was kept. */
  readonly reused: number;
  readonly fullRebuild: boolean;
}

function objectKey(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

function dependencyKind(kind: string): string {
  return WORKLOAD_KINDS.has(kind) ? 'Workload' : kind;
}

/** The object a subject id belongs to (`Kind/ns/name`, without a document suffix). */
function objectOf(id: string): string {
  const at = id.indexOf('@');
  return at < 0 ? id : id.slice(0, at);
}

const docKeys = new WeakMap<ParsedDocument, string | null>();
function docKey(doc: ParsedDocument): string | null {
  let key = docKeys.get(doc);
  if (key === undefined) {
    const ref = documentRef(doc);
    key = ref === undefined ? null : objectKey(ref);
    docKeys.set(doc, key);
  }
  return key;
}

interface Entry {
  readonly analyzer: number;
  readonly id: string;
  result: SubjectResult;
}

export class AnalysisSession {
  private snapshot: AnalysisSnapshot;
  /** Per analyzer (by position): subject id -> entry. */
  private results: Map<string, Entry>[] = [];
  /** Dependency key -> entries whose analysis read it. */
  private readers = new Map<string, Set<Entry>>();
  /** Object key -> entries judging a subject of that object. */
  private byObject = new Map<string, Set<Entry>>();
  private active: boolean[] = [];
  private skippedList: SkippedAnalyzer[] = [];
  private index: MeshIndex | undefined;
  private sorted: Finding[] = [];
  /** Subjects of the current snapshot by kind and id, patched on each update. */
  private subjects = new Map<SubjectKind, Map<string, unknown>>();

  private options: AnalysisOptions;

  constructor(
    snapshot: AnalysisSnapshot,
    private readonly analyzers: readonly Analyzer[],
    options: AnalysisOptions = {},
  ) {
    this.snapshot = snapshot;
    this.options = options;
    this.rebuild();
  }

  static fromSources(sources: readonly AnalysisSource[], analyzers: readonly Analyzer[], options: AnalysisOptions & { readonly gerrit?: GerritFacts } = {}): AnalysisSession {
    const documents: ParsedDocument[] = [];
    const findings: MeshFinding[] = [];
    for (const s of sources) {
      const parsed = parseDocuments(s.text, s.file);
      documents.push(...parsed.documents);
      findings.push(...parsed.findings);
    }
    return new AnalysisSession(snapshotFromDocuments(documents, findings, options.gerrit), analyzers, options);
  }

  get current(): AnalysisSnapshot {
    return this.snapshot;
  }

  get skipped(): readonly SkippedAnalyzer[] {
    return this.skippedList;
  }

  /** All findings, sorted (the same list a full run gives). */
  findings(): readonly Finding[] {
    return this.sorted;
  }

  /** Adds or replaces the objects of `source` (matched by kind, namespace and name). */
  upsert(source: AnalysisSource): UpdateStats {
    const parsed = parseDocuments(source.text, source.file);
    return this.apply(parsed.documents, [], parsed.findings);
  }

  /** Removes objects. */
  remove(refs: readonly ObjectRef[]): UpdateStats {
    return this.apply([], refs, []);
  }

  /** Moves the analysis clock: only the subjects whose analysis read the clock are judged again. */
  setClock(now: Date | undefined): UpdateStats {
    this.options = { ...this.options, now };
    return this.update(new Set(), new Set([CLOCK_KEY]), new Map());
  }

  private apply(added: readonly ParsedDocument[], removed: readonly ObjectRef[], parseFindings: readonly MeshFinding[]): UpdateStats {
    const changed = new Map<string, ObjectRef>();
    for (const doc of added) {
      const ref = documentRef(doc);
      if (ref !== undefined) changed.set(objectKey(ref), ref);
    }
    for (const ref of removed) changed.set(objectKey(ref), ref);
    const old = this.snapshot;
    const documents = [...old.documents.filter((d) => {
      const key = docKey(d);
      return key === null || !changed.has(key);
    }), ...added];
    const structural = [...changed.values()].some((r) => STRUCTURAL_KINDS.has(r.kind)) || added.some((d) => readIstiod(d) !== undefined) || old.istiod.some((i) => changed.has(objectKey(i.ref)));
    if (structural) {
      this.snapshot = snapshotFromDocuments(documents, [...old.inputFindings.filter((f) => f.resource === undefined || !changed.has(objectKey(f.resource))), ...parseFindings], old.gerrit);
      return this.rebuild();
    }
    // Patch the mesh: only the changed documents go through buildMesh (with the namespaces and gateways
    // they depend on), and only they are validated again.
    const context = old.documents.filter((d) => {
      if (!added.some((a) => WORKLOAD_KINDS.has(documentRef(a)?.kind ?? ''))) return false;
      const key = docKey(d);
      return key !== null && (key.startsWith('Namespace/') || key.startsWith('Gateway/'));
    });
    // Namespaces and Gateways decide how workloads are read; other kinds do not need them.
    const needsContext = added.some((d) => WORKLOAD_KINDS.has(documentRef(d)?.kind ?? ''));
    const partial = buildMesh(needsContext ? [...context, ...added] : added);
    const newlyValidated = added.map(validateSecurityDocument).filter((v) => v !== undefined);
    const keep = <T extends ObjectRef>(list: readonly T[]): T[] => list.filter((o) => !changed.has(objectKey(o)));
    const patched: Mesh = Object.freeze({
      ...old.mesh,
      workloads: [...keep(old.mesh.workloads), ...partial.mesh.workloads],
      services: [...keep(old.mesh.services), ...partial.mesh.services],
      serviceAccounts: [...keep(old.mesh.serviceAccounts), ...partial.mesh.serviceAccounts],
      authorizationPolicies: [...keep(old.mesh.authorizationPolicies), ...partial.mesh.authorizationPolicies],
      peerAuthentications: [...keep(old.mesh.peerAuthentications), ...partial.mesh.peerAuthentications],
      requestAuthentications: [...keep(old.mesh.requestAuthentications), ...partial.mesh.requestAuthentications],
    });
    const mesh = withoutRejected(patched, newlyValidated);
    const validated = [...old.validated.filter((v) => !changed.has(objectKey(v.ref))), ...newlyValidated];
    const inputFindings = [
      ...old.inputFindings.filter((f) => f.resource === undefined || !changed.has(objectKey(f.resource))),
      ...parseFindings,
      ...partial.findings.filter((f) => f.resource !== undefined && changed.has(objectKey(f.resource))),
    ];
    this.snapshot = { ...old, mesh, documents, validated, inputFindings, present: presentInputs(mesh, validated, old.istiod, old.gerrit) };
    const fresh = new Map<SubjectKind, Array<[string, unknown]>>();
    const inMesh = new Set([...mesh.authorizationPolicies, ...mesh.peerAuthentications, ...mesh.requestAuthentications].filter((o) => changed.has(objectKey(o))));
    const newOf = <T extends ObjectRef>(list: readonly T[]): Array<[string, unknown]> => list.filter((o) => !('spec' in o) || inMesh.has(o as never)).map((o) => [objectKey(o), o]);
    fresh.set('AuthorizationPolicy', newOf(partial.mesh.authorizationPolicies));
    fresh.set('PeerAuthentication', newOf(partial.mesh.peerAuthentications));
    fresh.set('RequestAuthentication', newOf(partial.mesh.requestAuthentications));
    fresh.set('Workload', newOf(partial.mesh.workloads));
    fresh.set('Document', newlyValidated.map((v) => [documentSubjectId(v), v]));
    fresh.set('Mesh', [['Mesh', mesh]]);
    for (const [kind, map] of this.subjects) {
      if (kind === 'Document') {
        for (const id of [...map.keys()]) if (changed.has(objectOf(id))) map.delete(id);
      } else if (kind === 'Mesh') map.clear();
      else for (const key of changed.keys()) map.delete(key);
      for (const [id, subject] of fresh.get(kind) ?? []) map.set(id, subject);
    }
    const keys = new Set<string>();
    for (const ref of changed.values()) {
      const kind = dependencyKind(ref.kind);
      keys.add(dependencyKey(kind, ref.namespace));
      keys.add(dependencyKey(kind, '*'));
    }
    return this.update(new Set(changed.keys()), keys, fresh);
  }

  private store(entry: Entry, result: SubjectResult, removedFindings: Set<Finding>, addedFindings: Finding[]): void {
    for (const f of entry.result.findings) removedFindings.add(f);
    for (const key of entry.result.reads) this.readers.get(key)?.delete(entry);
    entry.result = result;
    for (const key of result.reads) {
      let set = this.readers.get(key);
      if (set === undefined) this.readers.set(key, (set = new Set()));
      set.add(entry);
    }
    addedFindings.push(...result.findings);
  }

  private newEntry(analyzer: number, id: string): Entry {
    const entry: Entry = { analyzer, id, result: { findings: [], reads: [] } };
    this.results[analyzer]!.set(id, entry);
    const object = objectOf(id);
    let set = this.byObject.get(object);
    if (set === undefined) this.byObject.set(object, (set = new Set()));
    set.add(entry);
    return entry;
  }

  private dropEntry(entry: Entry, removedFindings: Set<Finding>): void {
    for (const f of entry.result.findings) removedFindings.add(f);
    for (const key of entry.result.reads) this.readers.get(key)?.delete(entry);
    this.results[entry.analyzer]!.delete(entry.id);
    this.byObject.get(objectOf(entry.id))?.delete(entry);
  }

  private subjectMap(kind: SubjectKind): Map<string, unknown> {
    let map = this.subjects.get(kind);
    if (map === undefined) this.subjects.set(kind, (map = new Map(subjectsOf(kind, this.snapshot))));
    return map;
  }

  /** Judges every subject again. */
  private rebuild(): UpdateStats {
    this.subjects.clear();
    this.results = this.analyzers.map(() => new Map());
    this.readers.clear();
    this.byObject.clear();
    this.skippedList = [];
    this.index = new MeshIndex(this.snapshot, this.options);
    this.index.compileWhole = true;
    const found: Finding[] = [];
    let recomputed = 0;
    this.active = this.analyzers.map((analyzer, a) => {
      const missing = missingInputs(analyzer, this.snapshot);
      if (missing.length > 0) {
        this.skippedList.push({ name: analyzer.metadata.name, missing });
        return false;
      }
      for (const [id, subject] of this.subjectMap(analyzer.metadata.subject)) {
        this.store(this.newEntry(a, id), analyzeSubject(analyzer, this.index!, subject), new Set(), found);
        recomputed++;
      }
      return true;
    });
    this.sorted = found.sort(compareFindings);
    this.index.releaseCompiled();
    return { recomputed, reused: 0, fullRebuild: true };
  }

  /** Judges again the subjects of changed objects and the readers of changed keys. */
  private update(changedObjects: ReadonlySet<string>, changedKeys: ReadonlySet<string>, fresh: ReadonlyMap<SubjectKind, Array<[string, unknown]>>): UpdateStats {
    const root = this.snapshot.mesh.meshConfig.rootNamespace;
    const touched = (ns: string): boolean => NAMESPACE_INPUTS.some((k) => changedKeys.has(dependencyKey(k, ns)));
    const rootTouched = touched(root);
    const index = new MeshIndex(this.snapshot, this.options, this.index, (ns) => !rootTouched && !touched(ns));
    this.index?.releaseCompiled();
    this.index = index;
    const removedFindings = new Set<Finding>();
    const addedFindings: Finding[] = [];
    let recomputed = 0;
    const dirty = new Set<Entry>();
    for (const key of changedKeys) for (const e of this.readers.get(key) ?? []) dirty.add(e);
    for (const object of changedObjects) for (const e of this.byObject.get(object) ?? []) dirty.add(e);
    const skipped: SkippedAnalyzer[] = [];
    this.analyzers.forEach((analyzer, a) => {
      const missing = missingInputs(analyzer, this.snapshot);
      const wasActive = this.active[a] === true;
      if (missing.length > 0) {
        skipped.push({ name: analyzer.metadata.name, missing });
        if (wasActive) for (const e of [...this.results[a]!.values()]) this.dropEntry(e, removedFindings);
        this.active[a] = false;
        return;
      }
      if (!wasActive) {
        const map = this.subjectMap(analyzer.metadata.subject);
        for (const [id, subject] of map) {
          this.store(this.newEntry(a, id), analyzeSubject(analyzer, index, subject), removedFindings, addedFindings);
          recomputed++;
        }
        this.active[a] = true;
        return;
      }
      // New subjects: ids of changed objects that have no entry yet.
      for (const [id, subject] of fresh.get(analyzer.metadata.subject) ?? []) {
        if (this.results[a]!.has(id)) continue;
        this.store(this.newEntry(a, id), analyzeSubject(analyzer, index, subject), removedFindings, addedFindings);
        recomputed++;
      }
    });
    for (const entry of dirty) {
      if (this.active[entry.analyzer] !== true || this.results[entry.analyzer]!.get(entry.id) !== entry) continue;
      const analyzer = this.analyzers[entry.analyzer]!;
      const subject = this.subjectMap(analyzer.metadata.subject).get(entry.id);
      if (subject === undefined) this.dropEntry(entry, removedFindings);
      else {
        this.store(entry, analyzeSubject(analyzer, index, subject), removedFindings, addedFindings);
        recomputed++;
      }
    }
    this.skippedList = skipped;
    const kept = removedFindings.size === 0 ? this.sorted : this.sorted.filter((f) => !removedFindings.has(f));
    this.sorted = addedFindings.length === 0 ? kept : mergeSorted(kept, addedFindings.sort(compareFindings));
    index.releaseCompiled();
    let total = 0;
    for (const m of this.results) total += m.size;
    return { recomputed, reused: total - recomputed, fullRebuild: false };
  }
}

function mergeSorted(a: readonly Finding[], b: readonly Finding[]): Finding[] {
  const out: Finding[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareFindings(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
