// `--since T` / `--until T` of `gic audit export`: an ISO 8601 date (a whole UTC day: `--since` from its
// start, `--until` to its end), a date-time with a zone (`2026-12-01T09:00:00Z`, `...+01:00`), or a
// duration back from now (`90d`, `12h`, `30m`, `2w`). Anything else is a usage error that shows the
// accepted forms; a zone-less date-time is refused rather than guessed.
import { AppError } from '../errors.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DURATION = /^(\d+)(m|h|d|w)$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** The bound as an ISO 8601 UTC time with milliseconds (the store's form). */
export function parseTimeBound(text: string, flag: 'since' | 'until', now: Date): string {
  const value = text.trim();
  let time: number | undefined;
  if (DATE.test(value)) time = Date.parse(`${value}T${flag === 'since' ? '00:00:00.000' : '23:59:59.999'}Z`);
  else if (DATE_TIME.test(value)) time = Date.parse(value);
  else {
    const duration = DURATION.exec(value);
    if (duration !== null) time = now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS];
  }
  if (time === undefined || Number.isNaN(time)) {
    throw new AppError('usage', `--${flag} "${text}": use a date (2026-12-01), a time with its zone (2026-12-01T09:00:00Z) or a duration back from now (90d, 12h, 30m, 2w)`);
  }
  return new Date(time).toISOString();
}
