// The shape of one `gic doctor` check and its result (docs/cli.md `gic doctor`): a name, whether it
// passed, one line of detail, and for the model check the resolved addresses and the egress verdict.
// A check that is not configured passes (`configured: false`): gic works without it, and says so.

export interface DoctorCheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
  /** False when the system is not configured (the check then passes and says what works without it). */
  readonly configured?: boolean;
  /** Model check: the addresses the endpoint's host resolved to. */
  readonly addresses?: readonly string[];
  /** Model check: the egress guard's verdict. */
  readonly egress?: 'allowed' | 'refused';
  /** Wall time of the check. */
  readonly ms?: number;
}

/** What a check returns; the runner adds the name and the time. */
export type DoctorCheckOutcome = Omit<DoctorCheckResult, 'name' | 'ms'>;

export interface DoctorCheck {
  readonly name: string;
  run(signal: AbortSignal): Promise<DoctorCheckOutcome>;
}
