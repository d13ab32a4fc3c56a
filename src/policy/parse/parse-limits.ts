// Bounds on what parseDocuments accepts, so hostile input (huge files, alias bombs, deep nesting,
// finding floods) is reported instead of exhausting memory, stack or time. Parameters with defaults.

export interface ParseLimits {
  /** Largest file, in UTF-16 code units (bytes for ASCII), checked before anything is parsed. */
  readonly maxFileSize: number;
  /** Largest single document (between `---` markers), checked before it is parsed. */
  readonly maxDocumentSize: number;
  /**
   * Deepest nesting of block and flow collections (pre-scanned, then checked exactly). Real documents
   * nest tens of levels (CRD schemas); the yaml library overflows the stack some way past 750.
   */
  readonly maxDepth: number;
  /**
   * Most nodes one document may hold once its aliases are expanded (alias bombs). An object the API
   * server accepts is at most 3 MiB of JSON, well under a million nodes for any policy.
   */
  readonly maxAliasExpansion: number;
  /** Most documents (and List items) read from one file. */
  readonly maxDocuments: number;
  /** Most findings reported for one file; one more says how many were left out. */
  readonly maxFindings: number;
}

export const DEFAULT_PARSE_LIMITS: ParseLimits = Object.freeze({
  maxFileSize: 32 * 1024 * 1024,
  maxDocumentSize: 4 * 1024 * 1024,
  maxDepth: 256,
  maxAliasExpansion: 1_000_000,
  maxDocuments: 100_000,
  maxFindings: 200,
});

export function resolveParseLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  if (limits === undefined) return DEFAULT_PARSE_LIMITS;
  const pick = (key: keyof ParseLimits): number => limits[key] ?? DEFAULT_PARSE_LIMITS[key];
  return {
    maxFileSize: pick('maxFileSize'),
    maxDocumentSize: pick('maxDocumentSize'),
    maxDepth: pick('maxDepth'),
    maxAliasExpansion: pick('maxAliasExpansion'),
    maxDocuments: pick('maxDocuments'),
    maxFindings: pick('maxFindings'),
  };
}

/** Stable rule ids of parse findings. */
export const PARSE_RULES = {
  syntax: 'yaml.syntax',
  duplicateKey: 'yaml.duplicate-key',
  notObject: 'yaml.not-object',
  binary: 'yaml.binary',
  fileSize: 'yaml.limit.size',
  documentSize: 'yaml.limit.document-size',
  depth: 'yaml.limit.depth',
  aliases: 'yaml.limit.aliases',
  documents: 'yaml.limit.documents',
  findings: 'yaml.limit.findings',
} as const;
