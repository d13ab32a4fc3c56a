// Gerrit's timestamp form (`2026-12-07 12:00:00.000000000`, UTC) for query operators such as `after:`,
// from a Date (pure).
export function gerritTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} +0000`;
}

/** A Gerrit timestamp (`updated`) as a Date; undefined when it is not one. */
export function parseGerritTime(value: string): Date | undefined {
  const ms = Date.parse(`${value.trim().replace(' ', 'T').slice(0, 23)}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
