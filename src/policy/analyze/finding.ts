// A finding of an analyzer (the `gic analyze -o json` entry of docs/cli.md plus explanation fields):
// the code and level from the catalog, the resource, field path and source line it concerns, what
// happens at runtime, how to fix it, and, where one exists, a witness request in the `gic check` shape
// with the decision it gets, and the fix as a mechanical edit where it needs no judgement. Data only.
import type { AccessRequest } from '../evaluate/access-request.js';
import type { DecisionKind } from '../evaluate/decision.js';
import type { MechanicalEdit } from '../fix/mechanical-edit.js';
import type { ObjectRef } from '../resources/mesh.js';
import type { Code, Level } from './messages.js';

export interface Witness {
  /** A request in the `gic check` shape that shows the problem. */
  readonly request: AccessRequest;
  /** The decision `gic check` gives it on the analyzed mesh. */
  readonly decision: DecisionKind;
  /** Why this request shows the problem. */
  readonly explanation: string;
  /** false when the analysis ran without checking witnesses with the evaluator (a faster mode). */
  readonly verified?: false;
}

export interface Finding {
  readonly code: Code;
  readonly level: Level;
  readonly resource: ObjectRef;
  /** Field path, e.g. `spec.rules[0].from[0].source.principals[1]`; `` for the whole object. */
  readonly field: string;
  /** `file:line` of the field. */
  readonly source: string;
  readonly file: string;
  readonly line: number;
  /** The problem and what happens at runtime. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
  /** The fix as an edit of the document, when it is mechanical (no judgement needed). */
  readonly edit?: MechanicalEdit;
  readonly refs: readonly string[];
  readonly docs: string;
  readonly witness?: Witness;
}

/** Stable order: file, line, code, field. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  if (a.field !== b.field) return a.field < b.field ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
