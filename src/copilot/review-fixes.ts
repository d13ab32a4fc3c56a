// The fix suggestions of a review: for a finding or validation issue whose fix is mechanical (an `edit`
// from src/policy/fix), the exact replacement in the changed file, proven by parsing the result (see
// source-replacement.ts). What the review bot posts as a Gerrit fix suggestion and `gic review` prints.
import { describeEdit, type MechanicalEdit } from '../policy/fix/mechanical-edit.js';
import { sourceReplacement, type TextRange } from '../policy/fix/source-replacement.js';
import type { ParsedDocument } from '../policy/parse/parsed-document.js';

export interface FixReplacement {
  /** Repository path of the file. */
  readonly path: string;
  readonly range: TextRange;
  readonly replacement: string;
}

/** Gerrit's FixSuggestionInfo without the id the server assigns. */
export interface ReviewFix {
  readonly description: string;
  readonly replacements: readonly FixReplacement[];
}

/** Which document of a changed file a finding is about. */
export type DocumentMatch = (d: ParsedDocument) => boolean;

/** The document of `kind` `namespace/name` (a document without a namespace matches any). */
export function documentNamed(kind: string, namespace: string, name: string): DocumentMatch {
  return (d) => {
    const v = d.value as { kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
    return v.kind === kind && v.metadata?.name === name && (v.metadata.namespace === undefined || v.metadata.namespace === namespace);
  };
}

/** The document that starts on `line`. */
export function documentAt(line: number): DocumentMatch {
  return (d) => d.source.line === line;
}

/**
 * Fixes computed per review at most: each costs a parse of its file, and a review only posts a capped
 * number of comments (a hostile patch set with thousands of findings gets the rest as text).
 */
export const MAX_FIXES_PER_REVIEW = 100;

export class ReviewFixes {
  private computed = 0;

  constructor(
    /** The changed files' new text by path. */
    private readonly texts: ReadonlyMap<string, string>,
    /** The documents parsed from those texts. */
    private readonly documents: readonly ParsedDocument[],
  ) {}

  /** The proven fix for `edit` on the one document of `path` that `match` picks; undefined otherwise. */
  fixFor(path: string, match: DocumentMatch, edit: MechanicalEdit, description?: string): ReviewFix | undefined {
    const text = this.texts.get(path);
    const candidates = this.documents.filter((d) => d.file === path && match(d));
    if (text === undefined || candidates.length !== 1 || this.computed >= MAX_FIXES_PER_REVIEW) return undefined;
    this.computed++;
    const replacement = sourceReplacement(text, path, candidates[0]!.index, edit);
    if (replacement === undefined) return undefined;
    return { description: description ?? describeEdit(edit), replacements: [{ path, ...replacement }] };
  }
}
