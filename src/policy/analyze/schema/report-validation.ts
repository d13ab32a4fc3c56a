// Shared by the three validation analyzers: turns one document's `gic validate` errors and warnings
// into findings with the kind's codes. Errors mean the API server or istiod rejects the resource.
import type { ValidatedDocument } from '../analysis-snapshot.js';
import type { AnalysisContext } from '../context.js';

export function reportValidation(ctx: AnalysisContext, v: ValidatedDocument, errorCode: 'GIC100' | 'GIC200' | 'GIC300', warningCode: 'GIC101' | 'GIC200' | 'GIC300'): void {
  const ref = `${v.ref.namespace}/${v.ref.name}`;
  for (const e of v.result.errors) {
    ctx.report(errorCode, {
      target: v,
      field: e.field,
      args: { kind: v.ref.kind, ref, detail: `${e.message} [${e.rule}]` },
      effect: 'kubectl apply fails (API server schema, CEL rule or istiod webhook), so the resource never takes effect; if it is already stored, istiod skips or misreads it',
      fix: `correct ${e.field === '' ? 'the resource' : e.field} as the message says, then check with gic validate`,
      ...(e.edit === undefined ? {} : { edit: e.edit }),
    });
  }
  for (const w of v.result.warnings) {
    ctx.report(warningCode, {
      target: v,
      field: w.field,
      args: { kind: v.ref.kind, ref, detail: `${w.message} [${w.rule}]` },
      effect: 'istiod accepts it with a warning: it takes effect, but not as it reads',
      fix: `change ${w.field === '' ? 'the resource' : w.field} as the warning suggests`,
      ...(w.edit === undefined ? {} : { edit: w.edit }),
      level: 'warning',
    });
  }
}
