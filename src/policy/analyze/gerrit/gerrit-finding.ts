// The finding shape of `gic analyze -o json` (docs/cli.md), as the Gerrit analyzers return it. The
// analyzer framework (built separately) wraps these analyzers; this file only names the shape so the
// Gerrit analyzers stay independent of it.
import type { ObjectRef } from '../../resources/mesh.js';

export type FindingLevel = 'error' | 'warning' | 'info';

export interface GerritFinding {
  readonly code: 'GIC500' | 'GIC501' | 'GIC502';
  readonly level: FindingLevel;
  readonly resource: ObjectRef;
  /** Field path such as `spec.rules[0].when[1].values[0]`. */
  readonly field: string;
  /** `file:line`. */
  readonly source: string;
  readonly message: string;
  readonly refs: readonly string[];
}
