// The audit log's hash chain (docs/audit-log.md), shared by every store: how the next entry is sealed
// (seq, time, prevHash, then SHA-256 over the canonical JSON of the entry without `hash`) and how a
// chain is verified from its rows. Verification is fed the rows one by one in seq order (a verifier
// that keeps only the previous entry, so memory stays bounded however long the log) and stops at the first
// bad entry, naming its seq and why: edited (contents do not match the hash, or an entry no longer
// matches what its successor recorded), removed, inserted, reordered (rows renumbered: the hash still
// matches another seq), malformed (a column that is not what gic writes), or a missing or different
// chain head. The stores only read rows and the head in one consistent snapshot.
import { AppError } from '../errors.js';
import { AuditRowError, decodeAuditRow, rowSeq, type AuditRow } from './audit-row.js';
import { canonicalHash } from './canonical-json.js';
import type { AuditBreakKind, AuditEntry, AuditEntryInput, AuditVerifyResult } from './store.js';

/** The prevHash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The last entry of a chain as the next append needs it (the head record holds seq and hash). */
export interface AuditTail {
  readonly seq: number;
  readonly hash: string;
  readonly time: string;
}

export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

/** SHA-256 (hex) over the canonical JSON of the entry without its `hash`. */
export function auditEntryHash(entry: Omit<AuditEntry, 'hash'> & { readonly hash?: string }): string {
  const { hash: _hash, ...body } = entry;
  return canonicalHash(body);
}

/**
 * The entry that follows `tail` (undefined: the first entry). Its time is the clock's, but never earlier
 * than the previous entry's, so times are ordered like seqs even when the clock steps back. `input` must
 * have passed checkAuditEntryInput (stores check before they take the lock).
 */
export function sealAuditEntry(tail: AuditTail | undefined, checked: AuditEntryInput, now: Date): AuditEntry {
  const clock = now.toISOString();
  const body = {
    seq: (tail?.seq ?? 0) + 1,
    time: tail !== undefined && tail.time > clock ? tail.time : clock,
    prevHash: tail?.hash ?? GENESIS_HASH,
    ...checked,
  };
  return { ...body, hash: auditEntryHash(body) };
}

/** How far around a bad entry to look for the seq it was written with (renumbered rows). */
const RENUMBER_WINDOW = 16;

/**
 * A verification fed the rows one at a time in ascending seq order, so a store can stream any number of
 * rows through it with bounded memory (SQLite from a statement iterator, PostgreSQL page by page from a
 * cursor). It keeps only the previous entry and the count. Every row pushed is counted, also the rows
 * past the first bad entry, so `entries` says how big the log is.
 */
export interface AuditChainVerifier {
  /** The next row in seq order. */
  push(row: AuditRow): void;
  /** There are no more rows: the result (the chain head is checked against the last entry here). */
  end(): AuditVerifyResult;
}

/** A verifier of the rows that are pushed against the recorded head (undefined: the head record is missing). */
export function auditChainVerifier(head: AuditHead | undefined): AuditChainVerifier {
  const verification = chainVerification(head);
  // Runs up to the point where it asks for the first row.
  let step = verification.next();
  let ended = false;
  return {
    push(row) {
      if (ended) throw new AppError('internal', 'a row was pushed to an audit chain verifier after its end');
      // The verification never finishes before the end: past a break it still counts every row.
      if (step.done !== true) step = verification.next(row);
    },
    end() {
      ended = true;
      while (step.done !== true) step = verification.next(END);
      return step.value;
    },
  };
}

/**
 * Verifies rows read in ascending seq order against the recorded head (undefined: the head record is
 * missing). Reads the iterable to its end, one row at a time.
 */
export function verifyAuditChain(rows: Iterable<AuditRow>, head: AuditHead | undefined): AuditVerifyResult {
  const verifier = auditChainVerifier(head);
  for (const row of rows) verifier.push(row);
  return verifier.end();
}

/** What the verification is sent instead of a row when there are none left. */
const END = Symbol('end of the audit rows');

/** Yields whenever it needs the next row; is sent that row, or END. Returns the result. */
type Verification<T> = Generator<void, T, AuditRow | typeof END>;
type Bad = (seq: number, kind: AuditBreakKind, reason: string) => Verification<AuditVerifyResult>;

/**
 * The chain check itself, written as a coroutine that pulls rows (so that reading ahead to classify a
 * break is ordinary code): stops at the first bad entry, then reads the rest only to count it.
 */
function* chainVerification(head: AuditHead | undefined): Verification<AuditVerifyResult> {
  let count = 0;
  let exhausted = false;
  // Every row pulled is counted, also the ones read ahead to classify a break.
  function* pull(): Verification<AuditRow | undefined> {
    if (exhausted) return undefined;
    const row = yield;
    if (row === END) {
      exhausted = true;
      return undefined;
    }
    count++;
    return row;
  }
  let previous: AuditEntry | undefined;
  const headResult = head === undefined ? null : { seq: head.seq, hash: head.hash };
  function* bad(seq: number, kind: AuditBreakKind, reason: string): Verification<AuditVerifyResult> {
    // Count every row so `entries` says how big the log is, also past the break.
    while ((yield* pull()) !== undefined);
    return { ok: false, entries: count, firstBad: { seq, kind, reason }, head: headResult };
  }

  for (let row = yield* pull(); row !== undefined; row = yield* pull()) {
    const expected = (previous?.seq ?? 0) + 1;
    const rawSeq = rowSeq(row.seq);
    if (rawSeq === undefined) {
      return yield* bad(expected, 'inserted', `a row with seq ${String(row.seq)} (not a whole number) sits after entry ${expected - 1}: it was inserted`);
    }
    let entry: AuditEntry;
    try {
      entry = decodeAuditRow(row);
    } catch (error) {
      if (!(error instanceof AuditRowError)) throw error;
      return yield* bad(rawSeq, 'malformed', `entry ${rawSeq} is malformed: ${error.message}`);
    }
    if (head !== undefined && entry.seq > head.seq) {
      return yield* bad(entry.seq, 'inserted', `entry ${entry.seq} lies past the chain head the store recorded (seq ${head.seq}): it was added outside gic`);
    }
    if (entry.seq < expected) {
      return yield* bad(entry.seq, 'inserted', `a row with seq ${entry.seq} precedes entry 1: it was inserted`);
    }
    if (entry.seq > expected) {
      const range = entry.seq - expected === 1 ? `entry ${expected} is` : `entries ${expected}-${entry.seq - 1} are`;
      return yield* bad(expected, 'removed', `${range} missing: the log goes from ${expected === 1 ? 'its start' : `entry ${expected - 1}`} to entry ${entry.seq}`);
    }
    if (auditEntryHash(entry) !== entry.hash) return yield* classifyMismatch(entry, pull, bad);
    const link = previous?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== link) {
      if (previous === undefined) {
        return yield* bad(1, 'edited', 'entry 1 does not start the chain (its prevHash is not 64 zeros): it was changed and its hash recomputed');
      }
      return yield* bad(
        previous.seq,
        'edited',
        `entry ${previous.seq} is not the entry that entry ${entry.seq} was chained to (its hash differs from entry ${entry.seq}'s prevHash): it was changed or replaced and its own hash recomputed`,
      );
    }
    if (previous !== undefined && entry.time < previous.time) {
      return yield* bad(entry.seq, 'edited', `entry ${entry.seq} has a time (${entry.time}) earlier than entry ${previous.seq} (${previous.time}): it was changed and its hash recomputed`);
    }
    previous = entry;
  }

  const lastSeq = previous?.seq ?? 0;
  const lastHash = previous?.hash ?? GENESIS_HASH;
  if (head === undefined) return yield* bad(Math.max(lastSeq, 1), 'head', 'the chain head record is missing: it was deleted outside gic');
  if (head.seq > lastSeq) {
    const range = head.seq - lastSeq === 1 ? `entry ${head.seq} was` : `entries ${lastSeq + 1}-${head.seq} were`;
    return yield* bad(lastSeq + 1, 'removed', `${range} removed from the end of the log (the chain head records seq ${head.seq})`);
  }
  if (head.hash !== lastHash) {
    return yield* bad(Math.max(lastSeq, 1), 'edited', `entry ${lastSeq} is not the entry the chain head recorded (its hash differs): it was replaced, or the head was edited`);
  }
  return { ok: true, entries: count, firstBad: null, head: headResult };
}

/** An entry whose contents do not match its hash: renumbered (removed, inserted, reordered) or edited. */
function* classifyMismatch(entry: AuditEntry, pull: () => Verification<AuditRow | undefined>, bad: Bad): Verification<AuditVerifyResult> {
  const k = entry.seq;
  const writtenAs = seqThatMatches(entry, k);
  if (writtenAs === undefined) {
    // A row that never was an entry, pushed in before entries that were renumbered up by one.
    const next = yield* pull();
    if (next !== undefined && matchesAs(next, k)) {
      return yield* bad(k, 'inserted', `the row at seq ${k} does not match its hash and the next row was written as entry ${k}: a row was inserted at seq ${k} and the rows after renumbered`);
    }
    return yield* bad(k, 'edited', `entry ${k}'s contents do not match its hash: it was edited`);
  }
  if (writtenAs < k) {
    const range = k - writtenAs === 1 ? `an entry was inserted at seq ${writtenAs}` : `entries ${writtenAs}-${k - 1} were inserted`;
    return yield* bad(writtenAs, 'inserted', `the entry at seq ${k} was written as entry ${writtenAs}: ${range} and the rows after renumbered`);
  }
  // Written with a later seq: either the entries before it were removed (and the rest renumbered), or
  // rows were swapped. A swap leaves the entry written as k further down.
  for (let i = 0, next = yield* pull(); i < RENUMBER_WINDOW && next !== undefined; i++, next = yield* pull()) {
    if (matchesAs(next, k)) {
      return yield* bad(k, 'reordered', `the entry at seq ${k} was written as entry ${writtenAs}, and the one written as ${k} now sits at seq ${String(next.seq)}: entries were reordered`);
    }
  }
  const range = writtenAs - k === 1 ? `entry ${k} was` : `entries ${k}-${writtenAs - 1} were`;
  return yield* bad(k, 'removed', `the entry at seq ${k} was written as entry ${writtenAs}: ${range} removed and the rows after renumbered`);
}

/** The row is a well-formed entry whose hash matches when its seq is `seq`. */
function matchesAs(row: AuditRow, seq: number): boolean {
  try {
    const entry = decodeAuditRow(row);
    return auditEntryHash({ ...entry, seq }) === entry.hash;
  } catch {
    return false;
  }
}

function seqThatMatches(entry: AuditEntry, k: number): number | undefined {
  for (let d = 1; d <= RENUMBER_WINDOW; d++) {
    for (const candidate of [k + d, k - d]) {
      if (candidate >= 1 && auditEntryHash({ ...entry, seq: candidate }) === entry.hash) return candidate;
    }
  }
  return undefined;
}

/**
 * The sealed entries for `inputs`, chained after the log's last row, once the last row is where the
 * chain head says it is (both stores call this inside the transaction that holds the tail). A log
 * changed outside gic refuses appends (`store-chain-broken`) until `gic audit verify` is run.
 */
export function sealAfterTail(
  head: AuditHead | undefined,
  tail: { readonly seq: unknown; readonly hash: unknown; readonly time: unknown } | undefined,
  inputs: readonly AuditEntryInput[],
  now: Date,
  where: string,
): AuditEntry[] {
  const tailSeq = tail === undefined ? 0 : rowSeq(tail.seq);
  const tailHash = tail === undefined ? GENESIS_HASH : tail.hash;
  if (head === undefined || tailSeq !== head.seq || tailHash !== head.hash) {
    throw new AppError(
      'store-chain-broken',
      `the audit log in ${where} does not end where its chain head says (${head === undefined ? 'head record missing' : `head seq ${head.seq}`}, last row ${String(tail?.seq ?? 'none')}): it was changed outside gic; appending is refused until it is investigated (gic audit verify)`,
    );
  }
  let previous: AuditTail | undefined = tail === undefined ? undefined : { seq: head.seq, hash: head.hash, time: String(tail.time) };
  return inputs.map((input) => {
    const entry = sealAuditEntry(previous, input, now);
    previous = entry;
    return entry;
  });
}
