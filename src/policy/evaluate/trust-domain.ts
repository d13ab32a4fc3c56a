// Trust-domain aliases (pilot/pkg/security/trustdomain/bundle.go): a `principals` value of the form
// `<td>/ns/<ns>/sa/<sa>` whose trust domain is the mesh's, an alias, or the literal `cluster.local`
// stands for the same identity in every trust domain of the bundle; `trustDomains` values that name
// a known trust domain expand to all of them.

export interface TrustDomainBundle {
  readonly trustDomains: readonly string[];
  replaceAliases(principals: readonly string[]): readonly string[];
  expand(values: readonly string[]): readonly string[];
}

export function trustDomainBundle(trustDomain: string, aliases: readonly string[]): TrustDomainBundle {
  const trustDomains = [trustDomain, ...aliases];
  const replaceAliases = (principals: readonly string[]): readonly string[] => {
    const out: string[] = [];
    for (const p of principals) {
      const parts = p.split('/');
      if (parts.length !== 5 || parts[0] === '*') {
        out.push(p);
        continue;
      }
      const td = parts[0] as string;
      if (!trustDomains.some((s) => loosely(td, s)) && td !== 'cluster.local') {
        out.push(p);
        continue;
      }
      const expanded: string[] = [];
      for (const candidate of trustDomains) {
        const np = suffixMatch(candidate, td) ? p : `${candidate}/${parts.slice(1).join('/')}`;
        if (!expanded.includes(np)) expanded.push(np);
      }
      out.push(...expanded);
    }
    return out;
  };
  const expand = (values: readonly string[]): readonly string[] => {
    const out: string[] = [];
    for (const v of values) {
      for (const x of trustDomains.includes(v) ? trustDomains : [v]) if (!out.includes(x)) out.push(x);
    }
    return out;
  };
  return { trustDomains, replaceAliases, expand };
}

/** trustdomain/util.go `prefixMatch`: pattern `x*` and a starts with x. */
function prefixMatch(a: string, pattern: string): boolean {
  return pattern.endsWith('*') && a.startsWith(pattern.slice(0, -1));
}

/** trustdomain/util.go `suffixMatch`: pattern `*x` and a ends with x. */
function suffixMatch(a: string, pattern: string): boolean {
  return pattern.startsWith('*') && a.endsWith(pattern.slice(1));
}

/** trustdomain/util.go `stringMatch` for one list element. */
function loosely(a: string, s: string): boolean {
  return a === s || s === '*' || prefixMatch(a, s) || prefixMatch(s, a) || suffixMatch(a, s) || suffixMatch(s, a);
}
