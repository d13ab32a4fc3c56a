// `gic dry-run`: every Istio security resource of the input is checked by gic's own validation (CRD
// schema, CEL rules, istiod's webhook rules) and then, with a cluster, by a server-side dry-run
// through the KubeGateway (mode `server`), or, without one, by the offline dry-run on a mesh snapshot
// (mode `offline`). One result per resource; a file whose YAML cannot be read gets one rejected result.
//
// Apply conflicts: the proposal is the full intended object, so the verdict must not depend on who
// last touched the live object. The gateway applies without force first; on 409 Conflict the
// conflicting fields become warnings (they name the current managers) and the verdict comes from a
// second dry-run with force=true, which is what applying the reviewed proposal would do.
import { AppError } from '../errors.js';
import { parseDocuments } from '../policy/parse/parse-documents.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';
import { isSecurityResource, validateDocument } from '../policy/validate/validate-document.js';
import type { DryRunIssue, DryRunMode, DryRunReport, DryRunResult } from './dry-run-result.js';
import type { KubeGateway } from './kube-gateway.js';
import type { MeshSnapshot } from './mesh-source.js';
import { offlineApply } from './offline-dry-run.js';
import { conflictWarnings, verdictFromResponse } from './server-verdict.js';

export interface DryRunOptions {
  /** With a gateway: server mode. */
  readonly gateway?: KubeGateway;
  /** Offline mode applies proposals onto this snapshot (optional). */
  readonly snapshot?: MeshSnapshot;
}

const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

type Obj = Record<string, unknown>;

function dedupe(issues: readonly DryRunIssue[]): DryRunIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\0${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Live-system failures met while dry-running (the cluster did not answer): the caller exits 5, not 3. */
interface Unavailable {
  first?: string;
}

async function serverDryRun(gateway: KubeGateway, object: Obj, unavailable: Unavailable): Promise<{ errors: DryRunIssue[]; warnings: DryRunIssue[] }> {
  try {
    const first = await gateway.dryRunApply(object, { force: false });
    if (first.status !== 409) {
      const verdict = verdictFromResponse(first);
      return { errors: [...verdict.errors], warnings: [...verdict.warnings] };
    }
    const forced = await gateway.dryRunApply(object, { force: true });
    const verdict = verdictFromResponse(forced);
    return { errors: [...verdict.errors], warnings: [...conflictWarnings(first), ...verdict.warnings] };
  } catch (error) {
    // Unreachable or silent API server: no verdict, so the proposal is not accepted.
    if (AppError.isInstance(error) && (error.code === 'cluster-unreachable' || error.code === 'cluster-timeout')) {
      unavailable.first ??= error.message;
      return { errors: [{ field: '', message: `server-side dry-run failed: ${error.message}` }], warnings: [] };
    }
    throw error;
  }
}

async function dryRunDocument(doc: ParsedDocument, options: DryRunOptions, unavailable: Unavailable): Promise<DryRunResult | undefined> {
  const validated = validateDocument(doc);
  if (validated === undefined) return undefined;
  const mode: DryRunMode = options.gateway === undefined ? 'offline' : 'server';
  const errors: DryRunIssue[] = validated.errors.map((e) => ({ field: e.field, message: e.message }));
  const warnings: DryRunIssue[] = validated.warnings.map((w) => ({ field: w.field, message: w.message }));
  const { kind, namespace, name } = validated;

  if (options.gateway !== undefined) {
    if (!NAME.test(name) || !NAMESPACE.test(namespace)) {
      if (errors.length === 0) errors.push({ field: 'metadata.name', message: `cannot dry-run ${kind} "${namespace}/${name}": not a valid namespace and object name` });
    } else {
      const value = doc.value as Obj;
      const metadata = { ...((value['metadata'] ?? {}) as Obj), namespace };
      const server = await serverDryRun(options.gateway, { ...value, metadata }, unavailable);
      errors.push(...server.errors);
      warnings.push(...server.warnings);
    }
  } else if (errors.length === 0) {
    const applied = offlineApply(doc, namespace, name, kind, options.snapshot);
    errors.push(...applied.errors);
    warnings.push(...applied.warnings);
  }
  const e = dedupe(errors);
  return { source: validated.source, kind, namespace, name, accepted: e.length === 0, mode, errors: e, warnings: dedupe(warnings) };
}

/** Dry-runs every Istio security resource of the sources, in order. */
export async function dryRunSources(sources: readonly { file: string; text: string }[], options: DryRunOptions = {}): Promise<DryRunReport> {
  return (await dryRunSourcesDetailed(sources, options)).report;
}

export interface DetailedDryRun {
  readonly report: DryRunReport;
  /** The first failure of the cluster to answer (unreachable, timeout), when there was one: no verdict came from it. */
  readonly unavailable?: string;
}

/** dryRunSources, also saying whether the cluster failed to answer (a live-system failure, exit 5 in the CLI). */
export async function dryRunSourcesDetailed(sources: readonly { file: string; text: string }[], options: DryRunOptions = {}): Promise<DetailedDryRun> {
  const mode: DryRunMode = options.gateway === undefined ? 'offline' : 'server';
  const results: DryRunResult[] = [];
  const unavailable: Unavailable = {};
  for (const { file, text } of sources) {
    const parsed = parseDocuments(text, file);
    const fileErrors = parsed.findings.filter((f) => f.level === 'error');
    if (fileErrors.length > 0) {
      const line = Math.min(...fileErrors.map((f) => f.line));
      results.push({ source: `${file}:${line}`, kind: '', namespace: '', name: '', accepted: false, mode, errors: fileErrors.map((f) => ({ field: '', message: `line ${f.line}: ${f.message}` })), warnings: [] });
    }
    for (const doc of parsed.documents) {
      if (!isSecurityResource(doc.value)) continue;
      const result = await dryRunDocument(doc, options, unavailable);
      if (result !== undefined) results.push(result);
    }
  }
  return { report: { results }, ...(unavailable.first === undefined ? {} : { unavailable: unavailable.first }) };
}
