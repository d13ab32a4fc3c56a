// Runs `gic doctor`'s checks side by side, each under its own deadline, and keeps their order. A check
// that throws or runs past the deadline fails with the reason; nothing a check does can make another
// pass. The clock is injected so the runner is testable without waiting.
import type { DoctorCheck, DoctorCheckResult } from './doctor-check.js';

export interface RunDoctorChecksOptions {
  /** Per-check deadline; default 20 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

export async function runDoctorChecks(checks: readonly DoctorCheck[], options: RunDoctorChecksOptions = {}): Promise<DoctorCheckResult[]> {
  const timeoutMs = options.timeoutMs ?? 20_000;
  const now = options.now ?? (() => performance.now());
  return Promise.all(
    checks.map(async (check): Promise<DoctorCheckResult> => {
      const controller = new AbortController();
      const started = now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Reject first: a check that answers when aborted must not win the race.
          reject(new Error(`no result within ${timeoutMs} ms`));
          controller.abort(new Error(`no result within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        const { ok, detail, ...extra } = await Promise.race([check.run(controller.signal), deadline]);
        return { name: check.name, ok, detail, ...extra, ms: Math.round(now() - started) };
      } catch (error) {
        return { name: check.name, ok: false, detail: error instanceof Error ? error.message : String(error), ms: Math.round(now() - started) };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
}
