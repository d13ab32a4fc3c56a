// Input errors (docs/cli.md "Fail closed", docs/input-errors.md): the one representation of "part of
// the mesh could not be read as a cluster would read it", `{file, line, field, rule, message}`, computed
// from the parse and mesh-building findings at error level (a file that does not parse, an unknown or
// misspelled kind, a field the API server would refuse, a policy left out of the mesh) and from the
// validation of the Istio security resources (CRD schema, CEL, istiod's webhook: the API server would
// reject the object). Every command that answers from a mesh carries them in its result, and MCP tools
// and the review bot use this same function. Pure: data in, data out.
import type { MeshFinding } from './mesh-finding.js';
import { MESH_RULES } from './mesh-finding.js';

export interface InputError {
  readonly file: string;
  /** 1-based line in `file`. */
  readonly line: number;
  /** Dotted field path inside the object (`metadata.name`), `` when the problem is not about one field. */
  readonly field: string;
  /** Stable rule id: `yaml.*` (parse), `mesh.*` (mesh building), or a validation rule (`crd.*`, `webhook.*`, ...). */
  readonly rule: string;
  readonly message: string;
}

/** The parts of a `gic validate` resource entry this module reads (validate-report.ts's shape). */
export interface ValidatedResourceView {
  /** `file.yaml:12`. */
  readonly source: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly errors: readonly { readonly rule: string; readonly field: string; readonly line: number; readonly message: string }[];
}

/** Mesh rules that validation reports in more detail for a security resource it rejects. */
const COVERED_BY_VALIDATION: ReadonlySet<string> = new Set([MESH_RULES.invalidPolicy, MESH_RULES.unsupportedVersion, MESH_RULES.unknownKind, MESH_RULES.invalidObject]);

export function inputErrorFromFinding(finding: MeshFinding): InputError {
  return { file: finding.file, line: finding.line, field: finding.field ?? '', rule: finding.rule, message: finding.message };
}

/**
 * The input errors of a mesh: its error-level findings, then the errors of each security resource that
 * validation rejects (`validated`: the `gic validate` entries of the same documents; empty when the
 * caller did not validate). A mesh finding that only restates a validation rejection is left out.
 * Order: by file (`fileOrder`, the order the sources were given), then line.
 */
export function collectInputErrors(findings: readonly MeshFinding[], validated: readonly ValidatedResourceView[] = [], fileOrder: readonly string[] = []): InputError[] {
  const rejected = new Set<string>();
  const rejectedFields = new Set<string>();
  const errors: InputError[] = [];
  for (const resource of validated) {
    if (resource.errors.length === 0) continue;
    const file = fileOf(resource.source);
    rejected.add(resourceKey(file, resource.kind, resource.namespace, resource.name));
    const what = `${resource.kind === '' ? 'resource' : resource.kind} ${resource.namespace === '' ? '' : `${resource.namespace}/`}${resource.name}`.trimEnd();
    for (const e of resource.errors) {
      rejectedFields.add(`${file}\0${e.line}\0${e.field}`);
      errors.push({ file, line: e.line, field: e.field, rule: e.rule, message: `${what} is rejected: ${e.message}` });
    }
  }
  for (const finding of findings) {
    if (finding.level !== 'error') continue;
    const r = finding.resource;
    if (r !== undefined && rejected.has(resourceKey(finding.file, r.kind, r.namespace, r.name))) {
      if (COVERED_BY_VALIDATION.has(finding.rule) || rejectedFields.has(`${finding.file}\0${finding.line}\0${finding.field ?? ''}`)) continue;
    }
    errors.push(inputErrorFromFinding(finding));
  }
  return sortInputErrors(errors, fileOrder);
}

/** By file (in `fileOrder`, then in order of first appearance), then by line (stable). */
export function sortInputErrors(errors: readonly InputError[], fileOrder: readonly string[] = []): InputError[] {
  const fileRank = new Map<string, number>();
  for (const file of fileOrder) if (!fileRank.has(file)) fileRank.set(file, fileRank.size);
  for (const e of errors) if (!fileRank.has(e.file)) fileRank.set(e.file, fileRank.size);
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => fileRank.get(a.e.file)! - fileRank.get(b.e.file)! || a.e.line - b.e.line || a.i - b.i)
    .map((x) => x.e);
}

/** One line per error, for the human formats and logs: `file:line field: message [rule]`. */
export function describeInputError(e: InputError): string {
  return `${e.file}:${e.line}${e.field === '' ? '' : ` ${e.field}`}: ${e.message} [${e.rule}]`;
}

function fileOf(source: string): string {
  const colon = source.lastIndexOf(':');
  return colon < 0 || !/^\d+$/.test(source.slice(colon + 1)) ? source : source.slice(0, colon);
}

function resourceKey(file: string, kind: string, namespace: string, name: string): string {
  return `${file}\0${kind}\0${namespace}\0${name}`;
}
