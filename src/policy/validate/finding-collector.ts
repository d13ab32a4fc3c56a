// Accumulates the errors and warnings of one document: rule id, field path (cli.md form), source line and
// message. Paths are kept as segments and formatted only when a finding is recorded, so validating a
// clean policy allocates no strings.
import type { MechanicalEdit } from '../fix/mechanical-edit.js';
import { formatFieldPath, type PathSegment } from '../parse/field-path.js';
import type { ValidationIssue } from './validate-report.js';
import { RULES, type RuleId } from './rule-catalog.js';

export type Path = readonly PathSegment[];

export class FindingCollector {
  readonly errors: ValidationIssue[] = [];
  readonly warnings: ValidationIssue[] = [];

  /** Set when istiod could not even decode the spec (so it would run none of its rules). */
  undecodable = false;

  constructor(private readonly lineOf: (fieldPath: string) => number) {}

  /** Notes that istiod's decoding of the spec (jsonpb) fails here, e.g. a map key that is not a number. */
  markUndecodable(): void {
    this.undecodable = true;
  }

  /** Records a finding at its catalogued level. */
  add(rule: RuleId, path: Path, message: string, edit?: MechanicalEdit): void {
    const field = formatFieldPath(path);
    const issue: ValidationIssue = { rule, field, line: this.lineOf(field), message, ...(edit === undefined ? {} : { edit }) };
    if (RULES[rule].level === 'warning') this.warnings.push(issue);
    else this.errors.push(issue);
  }
}
