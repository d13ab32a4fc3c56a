// One YAML/JSON document read from a file: its plain value plus a map from field paths to source lines.
// What parse hands to validate and to the mesh builder.
import type { SourceLocation } from '../resources/mesh.js';

export interface ParsedDocument {
  readonly file: string;
  /** Position of the document in its file (0-based, counting `kind: List` items in order). */
  readonly index: number;
  /** Where the document (or List item) starts. */
  readonly source: SourceLocation;
  /** Plain JSON-like value: objects, arrays, strings, numbers, booleans, null. */
  readonly value: unknown;
  /**
   * 1-based line of a field path such as `spec.rules[0].from[0].source.principals[1]` (or
   * `metadata.annotations["istio.io/dry-run"]`); the nearest existing ancestor when the path is
   * absent; the document's first line at worst.
   */
  lineOf(fieldPath: string): number;
}

/** A problem reading the input itself (not a resource rule): malformed YAML, size or nesting limits. */
export interface ParseFinding {
  /** Stable id, e.g. `yaml.syntax`, `yaml.limit.size`, `yaml.limit.aliases`, `yaml.limit.depth`. */
  readonly rule: string;
  readonly level: 'error' | 'warning';
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

export interface ParseResult {
  readonly documents: readonly ParsedDocument[];
  readonly findings: readonly ParseFinding[];
}
