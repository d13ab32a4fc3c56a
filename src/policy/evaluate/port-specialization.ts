// A rule predicate with the destination port known: PORT leaves become TRUE/FALSE and AND/OR/NOT fold
// around them. Predicates are pure, so the specialized predicate matches exactly the requests on that
// port that the original matches; a rule whose predicate folds to FALSE cannot match there and is left
// out of the rule lists a decision scans (rule-entries.ts). Compile time only.
import { FALSE, K, not, Pred, T, TRUE } from './predicate.js';

/**
 * `p` with the destination port known. Unchanged subtrees are shared; CLAIM/REQUEST_PRINCIPAL children
 * are string tests and are left alone.
 */
export function specializePort(p: Pred, port: number | undefined): Pred {
  switch (p.k) {
    case K.PORT:
      return port === p.n ? TRUE : FALSE;
    case K.NOT: {
      const kid = (p.kids as readonly Pred[])[0] as Pred;
      const s = specializePort(kid, port);
      return s === kid ? p : s === TRUE ? FALSE : s === FALSE ? TRUE : not(s);
    }
    case K.AND:
    case K.OR: {
      const and = p.k === K.AND;
      const kids = p.kids as readonly Pred[];
      const out: Pred[] = [];
      let changed = false;
      for (const kid of kids) {
        const s = specializePort(kid, port);
        if (s !== kid) changed = true;
        if (s === (and ? FALSE : TRUE)) return s;
        if (s !== (and ? TRUE : FALSE)) out.push(s);
      }
      if (!changed) return p;
      if (out.length === 0) return and ? TRUE : FALSE;
      if (out.length === 1) return out[0] as Pred;
      return new Pred(p.k, T.ANY, '', '', 0, null, null, out);
    }
    default:
      return p;
  }
}
