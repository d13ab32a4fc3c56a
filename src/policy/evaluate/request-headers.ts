// The header map one Envoy proxy matches `request.headers[...]` against, built only when a predicate
// first reads it (most decisions never do): lower-cased names, repeated headers joined with `,`, plus
// `:method`, `:path` (normalized path with the raw query and fragment) and `:authority` (which
// replaces `host`). Pure; it must not validate (whitespace in names is checked by the caller).

const QUERY_OR_FRAGMENT = /[?#]/;

export class RequestHeaders implements ReadonlyMap<string, string> {
  private map: Map<string, string> | undefined = undefined;

  constructor(
    private readonly source: Readonly<Record<string, string | readonly string[]>> | undefined,
    private readonly method: string,
    private readonly raw: string,
    private readonly path: string | undefined,
    private readonly host: string | undefined,
  ) {}

  private built(): Map<string, string> {
    if (this.map !== undefined) return this.map;
    const h = new Map<string, string>();
    if (this.source !== undefined) {
      for (const [k, v] of Object.entries(this.source)) {
        const name = k.toLowerCase();
        const value = Array.isArray(v) ? v.join(',') : (v as string);
        const prev = h.get(name);
        h.set(name, prev === undefined ? value : `${prev},${value}`);
      }
    }
    h.set(':method', this.method);
    const raw = this.raw;
    const q = raw.search(QUERY_OR_FRAGMENT);
    h.set(':path', (this.path ?? raw) + (q >= 0 ? raw.slice(q) : ''));
    if (this.host !== undefined) {
      h.set(':authority', this.host);
      h.delete('host');
    }
    this.map = h;
    return h;
  }

  get(name: string): string | undefined {
    return this.built().get(name);
  }

  has(name: string): boolean {
    return this.built().has(name);
  }

  get size(): number {
    return this.built().size;
  }

  forEach(callback: (value: string, key: string, map: ReadonlyMap<string, string>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.built()) callback.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[string, string]> {
    return this.built().entries();
  }

  keys(): MapIterator<string> {
    return this.built().keys();
  }

  values(): MapIterator<string> {
    return this.built().values();
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.built()[Symbol.iterator]();
  }
}
