// The `/ns/<X>/` segments of a peer URI as a small Bloom set (one bit per hashed segment), read by rule
// guards (rule-guard.ts) to skip, with one integer test, a rule that needs a namespace the peer does not
// have. Computed once per identity (request-attributes.ts `peerFor`, `peerFromPrincipal`). Pure; it
// imports nothing, so identities and guards can both depend on it.

/** Segment buckets: bits 0-28 of a guard's word 1 (bit 29 is rule-guard.ts's "no peer"). */
export const SEGMENT_BUCKETS = 29;
/** Every segment bit: a URI without any `/ns/X` segment is treated as possibly having any. */
export const SEGMENTS = (1 << SEGMENT_BUCKETS) - 1;

/** The Bloom bit of one namespace segment (FNV-1a). */
export function segmentBit(segment: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < segment.length; i++) h = Math.imul(h ^ segment.charCodeAt(i), 0x01000193);
  return 1 << ((h >>> 0) % SEGMENT_BUCKETS);
}

/**
 * The segment bits of a peer URI: the bits of every X (without `/`) such that the URI contains `/ns/X/`
 * or ends with `/ns/X` (peerFromPrincipal's namespace can be the last part).
 */
export function peerSegmentBits(uri: string): number {
  let bits = 0;
  for (let i = uri.indexOf('/ns/'); i >= 0; i = uri.indexOf('/ns/', i + 1)) {
    const end = uri.indexOf('/', i + 4);
    bits |= segmentBit(end < 0 ? uri.slice(i + 4) : uri.slice(i + 4, end));
    if (end < 0) break;
  }
  // Without a segment the URI is treated as possibly having any (it must still pass peer-only guards).
  return bits === 0 ? SEGMENTS : bits;
}
