// A clarifying question a draft asks instead of proposing: the intent field it is about and the
// closest existing names. Shared by the draft use case and name resolution.
/** A clarifying question, with the existing names that would answer it. */
export interface DraftQuestion {
  /** The intent field it is about, e.g. `target.workload`, `subjects[0].gerritGroup`, `expires`. */
  readonly field: string;
  readonly question: string;
  /** Closest existing names (or choices), best first. */
  readonly options: readonly string[];
}
