// The mesh input problems that make an answer unusable unless the caller accepts them (docs/cli.md
// "Fail closed", docs/input-errors.md): the engine's one representation, `{file, line, field, rule,
// message}` (src/policy/parse/input-errors.ts). A MeshSnapshot carries them already (`inputErrors`,
// security resources the API server would reject included); this reads them from bare findings.
import { collectInputErrors, type InputError } from '../policy/parse/input-errors.js';
import type { MeshFinding } from '../policy/parse/mesh-finding.js';

export type { InputError } from '../policy/parse/input-errors.js';

export function inputErrorsOf(findings: readonly MeshFinding[]): InputError[] {
  return collectInputErrors(findings);
}
