// The mesh input problems that make an answer unusable unless the caller accepts them (docs/cli.md
// "Fail closed"): `{file, line, field, rule, message}` for every error-level parse or build finding.
// Interim copy until the engine's own `inputErrors` (src/policy/parse) lands; same shape.
import type { MeshFinding } from '../policy/parse/mesh-finding.js';

export interface InputError {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly rule: string;
  readonly message: string;
}

export function inputErrorsOf(findings: readonly MeshFinding[]): InputError[] {
  return findings.filter((f) => f.level === 'error').map((f) => ({ file: f.file, line: f.line, field: f.field ?? '', rule: f.rule, message: f.message }));
}
