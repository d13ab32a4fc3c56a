// A verified token's claims -> the Caller: the actor `user:<preferred_username, else sub>` (the
// CallContext format of src/copilot/deps.ts) and the Gerrit groups of the configured groups claim
// (names or UUIDs, as the claim mapping says; a string or an array of strings). Claims of any other
// shape carry no groups rather than failing.
import type { Caller } from './caller.js';

export interface ClaimsToCaller {
  /** The JWT claim that holds Gerrit groups (config access.claim.claim, default `groups`). */
  readonly groupsClaim: string;
}

/** The user name a token names: `preferred_username`, else `sub`; undefined when neither is a usable string. */
export function userOf(claims: Readonly<Record<string, unknown>>): string | undefined {
  for (const key of ['preferred_username', 'sub']) {
    const value = claims[key];
    if (typeof value === 'string' && /^[\x21-\x7e]{1,256}$/.test(value)) return value;
  }
  return undefined;
}

export function groupsOf(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  const value = claims[claim];
  if (typeof value === 'string') return value.split(/[,\s]+/).filter((g) => g !== '');
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g !== '').slice(0, 1000);
  return [];
}

export function callerFromClaims(claims: Readonly<Record<string, unknown>>, options: ClaimsToCaller, via: Caller['via']): Caller | undefined {
  const user = userOf(claims);
  if (user === undefined) return undefined;
  return { actor: `user:${user}`, groups: groupsOf(claims, options.groupsClaim), via };
}
