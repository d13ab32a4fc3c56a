// Checks a model's prose against the facts it was given: the prose may name only policies,
// workloads, namespaces, Services, groups, paths, ports, methods and decisions that occur in the
// facts. Anything name-like that does not (an `ns/name`, a path, a hyphenated identifier, a quoted
// or backticked token, a port, an HTTP method, an upper-case decision word, a word right after
// "policy", "workload", "group"... or any name the mesh knows but the facts do not mention) rejects
// the prose, and the caller falls back to the template text. Conservative by design: a false
// rejection costs a templated sentence, a false acceptance would put an invented name in front of a
// person.

export interface GroundingInput {
  /** The text of every fact (and anything else the prose may repeat, such as the subject). */
  readonly factTexts: readonly string[];
  /** Every name the mesh and Gerrit know (workloads, policies, namespaces, Services, groups). */
  readonly knownNames?: Iterable<string>;
  /** Words at least one of which must occur (case-insensitive), e.g. the decision. */
  readonly mustMention?: readonly string[];
  /**
   * Facts the prose may not leave out: for each, one of its words must occur (case-insensitive), e.g.
   * every finding a change introduces, and that it grants access. A note that leaves one out is
   * rejected like one that invents a name.
   */
  readonly mustCover?: readonly { readonly what: string; readonly words: readonly string[] }[];
}

export type GroundingResult = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Hyphenated English words that are not names. */
const COMMON_HYPHENATED = new Set([
  'built-in', 'read-only', 'write-only', 'well-known', 'so-called', 'mesh-wide', 'namespace-wide', 'cluster-wide', 'dry-run', 'end-user', 'e-mail', 'non-empty',
  'ext-authz', 'per-workload', 'per-port', 'per-request', 'first-match', 'time-bound', 'up-to-date', 'follow-up', 'opt-in', 'opt-out', 'one-off', 'two-way', 'default-deny',
  'allow-all', 'deny-all', 'in-mesh', 'out-of-mesh', 'in-cluster', 'non-mesh', 'plain-text', 'mutual-tls', 'x-forwarded-for',
]);
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE'];
const DECISIONS = ['ALLOW', 'DENY', 'UNAUTHENTICATED', 'CONDITIONAL', 'CUSTOM', 'AUDIT', 'STRICT', 'PERMISSIVE', 'DISABLE'];
const NAME_NOUNS = 'policy|policies|workload|workloads|namespace|namespaces|service|services|group|groups|account|gateway|waypoint|principal';
const TRAILING = /[.,;:!?)\]}'"`]+$/;
const LEADING = /^[([{'"`]+/;

function clean(token: string): string {
  return token.replace(LEADING, '').replace(TRAILING, '');
}

/** Every token of the facts, plus the parts of `a/b`, `a:b` and `a.b` tokens. */
function vocabulary(texts: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const text of texts) {
    for (const raw of text.split(/[\s,;()[\]{}"'`=]+/)) {
      const token = clean(raw);
      if (token === '') continue;
      out.add(token);
      out.add(token.toLowerCase());
      for (const part of token.split(/[/:]/)) if (part !== '') out.add(clean(part));
      // `8080->9000`, `ns/name:port`
      for (const part of token.split(/->|[/:.]/)) if (part !== '') out.add(clean(part));
    }
  }
  return out;
}

function inVocabulary(vocab: Set<string>, token: string): boolean {
  const t = clean(token);
  return t === '' || vocab.has(t) || vocab.has(t.toLowerCase()) || (t.endsWith('*') && vocab.has(t.slice(0, -1)));
}

function startsAWord(text: string, word: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'i').test(text);
}

export function checkGrounding(prose: string, input: GroundingInput): GroundingResult {
  const text = prose.trim();
  if (text === '') return { ok: false, reason: 'the model returned no text' };
  const vocab = vocabulary(input.factTexts);
  const fail = (what: string, token: string): GroundingResult => ({ ok: false, reason: `the text names ${what} "${token}", which is not in the facts` });

  if (input.mustMention !== undefined && input.mustMention.length > 0) {
    const lower = text.toLowerCase();
    if (!input.mustMention.some((w) => lower.includes(w.toLowerCase()))) return { ok: false, reason: `the text does not state the decision (${input.mustMention.join(' / ')})` };
  }
  for (const fact of input.mustCover ?? []) {
    // A word must start a word of the text: "let" in "lets", not in "completely" or "delete".
    if (!fact.words.some((w) => startsAWord(text, w))) return { ok: false, reason: `the text leaves out ${fact.what}` };
  }
  for (const m of text.matchAll(/`([^`]+)`|"([^"]+)"|“([^”]+)”/g)) {
    const quoted = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (quoted.length > 0 && quoted.length <= 80 && !/\s/.test(quoted) && !inVocabulary(vocab, quoted)) return fail('the quoted value', quoted);
  }
  for (const raw of text.split(/\s+/)) {
    const token = clean(raw);
    if (token === '') continue;
    // ns/name, principals, paths, hosts with a port.
    if (/[/]/.test(token) && !/^https?:\/\/$/.test(token) && !inVocabulary(vocab, token)) {
      const parts = token.split('/').filter((p) => p !== '');
      // "and/or", "allow/deny": ordinary words joined by a slash.
      if (!(parts.length === 2 && parts.every((p) => /^[a-z]+$/i.test(p) && !/-/.test(p) && p.length <= 12 && !isKnown(input, p)))) return fail('the name or path', token);
    }
    if (/^[a-z0-9]+(?:-[a-z0-9]+)+$/i.test(token) && !COMMON_HYPHENATED.has(token.toLowerCase()) && !inVocabulary(vocab, token)) return fail('the name', token);
    if (METHODS.includes(token) && !vocab.has(token)) return fail('the method', token);
    if (DECISIONS.includes(token) && !vocab.has(token)) return fail('the decision or mode', token);
  }
  for (const m of text.matchAll(/\bports?\s+(\d{1,5})\b|:(\d{2,5})\b/gi)) {
    const port = m[1] ?? m[2] ?? '';
    if (!vocab.has(port)) return fail('the port', port);
  }
  const nounBefore = new RegExp(`\\b(?:${NAME_NOUNS})\\s+([A-Za-z0-9][\\w.-]*)`, 'gi');
  const nounAfter = new RegExp(`\\b([A-Za-z0-9][\\w.-]*)\\s+(?:${NAME_NOUNS})\\b`, 'gi');
  for (const re of [nounBefore, nounAfter]) {
    for (const m of text.matchAll(re)) {
      const name = clean(m[1] ?? '');
      if (name === '' || STOP_WORDS.has(name.toLowerCase()) || PRODUCT_NAMES.has(name)) continue;
      if (isKnown(input, name) && !inVocabulary(vocab, name)) return fail('the name', name);
      if (/[-\d]/.test(name) && !inVocabulary(vocab, name)) return fail('the name', name);
    }
  }
  for (const name of input.knownNames ?? []) {
    if (name.length < 3 || inVocabulary(vocab, name)) continue;
    if (/[-\d.]/.test(name) && new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`).test(text)) return fail('the name', name);
  }
  return { ok: true };
}

function isKnown(input: GroundingInput, name: string): boolean {
  for (const known of input.knownNames ?? []) if (known === name) return true;
  return false;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Capitalised product names ("Gerrit group", "Istio policy"); the lower-case forms may be mesh names. */
const PRODUCT_NAMES = new Set(['Gerrit', 'Istio', 'Kubernetes', 'Envoy']);

/** Words that may follow or precede the nouns above without being names. */
const STOP_WORDS = new Set([
  'the', 'a', 'an', 'this', 'that', 'these', 'those', 'its', 'their', 'any', 'every', 'each', 'no', 'one', 'two', 'some', 'all', 'other', 'another', 'same', 'which', 'what', 'whose',
  'is', 'are', 'was', 'were', 'be', 'has', 'have', 'had', 'does', 'do', 'did', 'not', 'and', 'or', 'of', 'to', 'for', 'in', 'on', 'at', 'by', 'with', 'from', 'as', 'it', 'applies', 'apply',
  'allow', 'deny', 'audit', 'custom', 'authorization', 'peer', 'request', 'mesh', 'root', 'target', 'calling', 'caller', 'callers', 'kubernetes',
  'mtls', 'jwt', 'token', 'narrower', 'broader', 'matching', 'enforced', 'existing', 'named', 'default', 'selected', 'attached', 'only', 'also', 'then', 'so', 'because', 'but', 'if',
  'when', 'where', 'who', 'why', 'how', 'can', 'cannot', 'may', 'must', 'will', 'would', 'should', 'could', 'here', 'there', 'more', 'most', 'less', 'new', 'old', 'same', 'own', 'both',
  'first', 'last', 'next', 'second', 'third', 'rule', 'rules', 'decision', 'denied', 'allowed', 'ambient', 'sidecar', 'ztunnel', 'http', 'tcp', 'grpc', 'kind', 'level', 'mode', 'port',
]);
