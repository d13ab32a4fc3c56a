// Which deciding rules of a workload an edit can reach (placeholder: all of them).
import type { CompiledMesh, ProxyTarget } from '../evaluate/compile-mesh.js';
import type { RuleRef } from './deciding-rules.js';

export class EditRelevance {
  constructor(
    readonly before: CompiledMesh,
    readonly after: CompiledMesh,
  ) {}

  reachable(_tB: ProxyTarget, _tA: ProxyTarget, _structure: string, rulesB: readonly RuleRef[], rulesA: readonly RuleRef[]): { before: readonly RuleRef[]; after: readonly RuleRef[] } | undefined {
    return { before: rulesB, after: rulesA };
  }
}
