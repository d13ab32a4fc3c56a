// Time-bound grants: a phrase as a person says it ("until Friday", "for 2 hours", "until 2027-01-31",
// "till March 3", "until tomorrow") -> an RFC 3339 instant, resolved against the injected clock, so the
// same phrase at the same time always gives the same expiry. Days end at midnight UTC: "until Friday"
// means until the end of the next Friday (today, if today is Friday), "until 2027-01-31" until the end
// of that day. A phrase that cannot be read is reported, never guessed.

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const UNIT_MS: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
const WORD_NUMBERS: Readonly<Record<string, number>> = { a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12 };

export type ExpiryResult = { readonly ok: true; readonly expires: string; readonly phrase: string } | { readonly ok: false; readonly phrase: string; readonly reason: string };

/** Midnight UTC at the end of the day `days` after `now`'s day. */
function endOfDay(now: Date, days: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days + 1));
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

function monthIndex(word: string): number {
  const w = word.toLowerCase();
  return MONTHS.findIndex((m) => m === w || (w.length >= 3 && m.startsWith(w.replace(/\.$/, ''))));
}

/** Resolves one phrase; `now` is the clock. */
export function resolveExpiry(phrase: string, now: Date): ExpiryResult {
  const p = phrase.trim().toLowerCase().replace(/\s+/g, ' ').replace(/[.!]$/, '');
  const fail = (reason: string): ExpiryResult => ({ ok: false, phrase, reason });
  const ok = (d: Date): ExpiryResult => (d.getTime() > now.getTime() ? { ok: true, expires: iso(d), phrase } : fail(`${iso(d)} is not in the future`));

  const exact = /^(?:until |till |through |by )?(\d{4}-\d{2}-\d{2}t\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:\d{2}))$/.exec(p);
  if (exact !== null) {
    const t = Date.parse((exact[1] ?? '').toUpperCase());
    return Number.isNaN(t) ? fail('not a valid date and time') : ok(new Date(t));
  }
  const span = /^(?:for )?(?:the next )?(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twelve) (minute|hour|day|week)s?$/.exec(p);
  if (span !== null) {
    const n = /^\d+$/.test(span[1] ?? '') ? Number(span[1]) : (WORD_NUMBERS[span[1] ?? ''] ?? NaN);
    const unit = UNIT_MS[span[2] ?? ''];
    if (!Number.isFinite(n) || n <= 0 || unit === undefined) return fail('not a duration');
    return ok(new Date(now.getTime() + n * unit));
  }
  const body = p.replace(/^(?:until|till|til|through|thru|by|up to|to) (?:the )?(?:end of )?/, '');
  if (body === p && !/^(today|tonight|tomorrow|end of (?:the )?day)$/.test(p)) return fail('say "until <day>", "until <date>" or "for <n> hours/days"');
  if (/^(today|tonight|end of (?:the )?day|eod|day)$/.test(body)) return ok(endOfDay(now, 0));
  if (body === 'tomorrow') return ok(endOfDay(now, 1));
  const weekday = WEEKDAYS.indexOf(body.replace(/^(?:next |this )/, '').replace(/s$/, ''));
  if (weekday >= 0) {
    const ahead = (weekday - now.getUTCDay() + 7) % 7;
    return ok(endOfDay(now, ahead + (body.startsWith('next ') && ahead === 0 ? 7 : 0)));
  }
  const isoDay = /^(\d{4})-(\d{2})-(\d{2})$/.exec(body);
  if (isoDay !== null) {
    const [y, m, d] = [Number(isoDay[1]), Number(isoDay[2]) - 1, Number(isoDay[3])];
    const day = new Date(Date.UTC(y, m, d));
    if (day.getUTCMonth() !== m || day.getUTCDate() !== d) return fail('not a valid date');
    return ok(new Date(Date.UTC(y, m, d + 1)));
  }
  const monthFirst = /^([a-z]+\.?) (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?$/.exec(body);
  const dayFirst = /^(\d{1,2})(?:st|nd|rd|th)? (?:of )?([a-z]+\.?)(?:,? (\d{4}))?$/.exec(body);
  const parts = monthFirst !== null ? { month: monthFirst[1] ?? '', day: monthFirst[2] ?? '', year: monthFirst[3] } : dayFirst !== null ? { month: dayFirst[2] ?? '', day: dayFirst[1] ?? '', year: dayFirst[3] } : undefined;
  if (parts !== undefined) {
    const month = monthIndex(parts.month);
    const day = Number(parts.day);
    if (month < 0 || day < 1 || day > 31) return fail('not a date');
    let year = parts.year !== undefined ? Number(parts.year) : now.getUTCFullYear();
    if (new Date(Date.UTC(year, month, day)).getUTCMonth() !== month) return fail('not a valid date');
    if (parts.year === undefined && Date.UTC(year, month, day + 1) <= now.getTime()) year++;
    return ok(new Date(Date.UTC(year, month, day + 1)));
  }
  return fail('say "until <day>", "until <date>" or "for <n> hours/days"');
}

const PHRASE = new RegExp(
  [
    String.raw`\b(?:for|for the next) (?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve) (?:minute|hour|day|week)s?\b`,
    String.raw`\b(?:until|till|through|by) (?:the end of )?(?:today|tonight|tomorrow|(?:next |this )?(?:sunday|monday|tuesday|wednesday|thursday|friday|saturday)|\d{4}-\d{2}-\d{2}(?:t\d{2}:\d{2}(?::\d{2})?(?:z|[+-]\d{2}:\d{2}))?|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?|\d{1,2}(?:st|nd|rd|th)? (?:of )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*(?:,? \d{4})?)\b`,
  ].join('|'),
  'i',
);

/** The first time-limit phrase in a person's text, if any ("... until Friday" -> "until Friday"). */
export function findExpiryPhrase(text: string): string | undefined {
  return PHRASE.exec(text)?.[0];
}
