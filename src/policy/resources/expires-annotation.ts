// The expiry of a time-bound grant (cli.md "An intent may carry expires"): the policy carries it as the
// annotation `policy.gic/expires`, an RFC 3339 date-time with seconds and a `Z` or `±hh:mm` offset
// (`2027-01-31T00:00:00Z`), the form the intent schema accepts. Parsing only: whoever compares it with
// a clock passes the clock in.
import { z } from 'zod';

export const EXPIRES_ANNOTATION = 'policy.gic/expires';

/** The accepted form of an expiry (the intent's `expires`, the annotation's value). */
export const ExpiresSchema = z.iso.datetime({ offset: true });

/** Milliseconds since the epoch, or undefined when the value is not an accepted date-time. */
export function parseExpires(value: string): number | undefined {
  if (!ExpiresSchema.safeParse(value).success) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
