// The inputs of an analysis that are not in the snapshot: whether witnesses are checked with the
// evaluator, and the clock. The engine reads no clock of its own (architecture.md): a caller that wants
// time-bound grants judged (GIC125) passes `now`; without it only malformed expiry values are reported.

export interface AnalysisOptions {
  /**
   * Check every witness that only illustrates a finding with the evaluator before attaching it (default
   * true). Findings whose condition is a decision (GIC107, GIC108, GIC123) always evaluate.
   */
  readonly verifyWitnesses?: boolean;
  /** The time the analysis judges expiry against (`policy.gic/expires`). */
  readonly now?: Date;
}
