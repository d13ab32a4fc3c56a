// Resolves plain (unquoted) YAML scalars exactly as the yaml library's composer does for the schema
// parse-documents uses (kube-yaml.ts), for the fast block scanner: the same schema object, the same tag
// order and tests, the same `resolve` functions. It must not decide anything the schema does not.
import { isScalar, parseDocument, type ScalarTag, type Schema } from 'yaml';

import { KUBE_YAML_SCHEMA, YAML12_SCHEMA } from './kube-yaml.js';

const STRING_TAG = 'tag:yaml.org,2002:str';

/**
 * First characters a plain scalar can have when some non-string tag of the core schema (plus the
 * YAML 1.1 booleans) matches it: `~`/empty (null), digits, signs and `.` (numbers, .inf, .nan), the
 * initials of null/true/false/yes/on/no/off, and `<` (the merge key `<<`). Any other first character means "string", which
 * skips the regex tests for nearly every Kubernetes value (plain-scalar.test.ts checks the claim).
 */
const MAY_NOT_BE_STRING = new Uint8Array(128);
for (const c of '~0123456789+-.nNtTfFyYoO<') MAY_NOT_BE_STRING[c.charCodeAt(0)] = 1;

export class PlainScalarResolver {
  private readonly valueTags: readonly ScalarTag[];
  private readonly keyTags: readonly ScalarTag[];
  private readonly options: object;
  private failed = false;
  private readonly onError = (): void => {
    this.failed = true;
  };

  constructor(schema: Schema, options: object) {
    const scalarTags = (schema.tags as (ScalarTag & { collection?: string })[]).filter((tag) => tag.collection === undefined && tag.test !== undefined);
    // composer.findScalarTagByTest: a default tag (or, at a key, a `default: 'key'` one) whose test matches.
    this.valueTags = scalarTags.filter((tag) => tag.default === true);
    this.keyTags = scalarTags.filter((tag) => tag.default === true || tag.default === 'key');
    this.options = options;
  }

  /** Whether the first character alone proves the scalar is a string (see MAY_NOT_BE_STRING). */
  static surelyString(source: string): boolean {
    if (source === '') return false;
    const c = source.charCodeAt(0);
    return c >= 128 || MAY_NOT_BE_STRING[c] === 0;
  }

  /** The value of a plain scalar; `undefined` when its tag's resolve reports an error (callers defer). */
  value(source: string): unknown {
    if (PlainScalarResolver.surelyString(source)) return source;
    const tag = this.valueTags.find((t) => t.test!.test(source));
    if (tag === undefined || tag.tag === STRING_TAG) return source;
    return this.resolve(tag, source);
  }

  /** The string a plain mapping key stands for, or `undefined` when it is not a plain string key. */
  key(source: string): string | undefined {
    if (PlainScalarResolver.surelyString(source)) return source;
    const tag = this.keyTags.find((t) => t.test!.test(source));
    return tag === undefined || tag.tag === STRING_TAG ? source : undefined;
  }

  private resolve(tag: ScalarTag, source: string): unknown {
    this.failed = false;
    let resolved: unknown;
    try {
      resolved = tag.resolve(source, this.onError, this.options as never);
    } catch {
      return undefined;
    }
    if (this.failed) return undefined;
    const value = isScalar(resolved) ? resolved.value : resolved;
    // Scalars resolving to undefined do not exist in these schemas; `undefined` means "defer" here.
    return value;
  }
}

let kubeResolver: PlainScalarResolver | undefined;
let yaml12Resolver: PlainScalarResolver | undefined;

/** The schema the full parser builds for these options, taken from a parsed empty document. */
function resolverFor(schemaOptions: typeof KUBE_YAML_SCHEMA | typeof YAML12_SCHEMA): PlainScalarResolver {
  const doc = parseDocument('', { ...schemaOptions, uniqueKeys: false, stringKeys: false, logLevel: 'silent' });
  return new PlainScalarResolver(doc.schema, doc.options);
}

/** The resolver for kubectl's YAML (YAML 1.1 booleans) or plain YAML 1.2 core. */
export function plainScalarResolver(yaml11Booleans: boolean): PlainScalarResolver {
  if (yaml11Booleans) return (kubeResolver ??= resolverFor(KUBE_YAML_SCHEMA));
  return (yaml12Resolver ??= resolverFor(YAML12_SCHEMA));
}
