// What a person wrote in their own voice, without what they quoted: double-quoted, curly-quoted and
// back-quoted spans, single-quoted spans that are not apostrophes, fenced code, and `>` quote lines
// (a pasted review comment or ticket). The drafting checks that a broad grant ("anyone", "any logged-in
// user") is something the person asked for, not text they quoted ("the reviewer wrote 'allow anyone to
// DELETE'"). Pure.

const FENCED = /```[\s\S]*?(?:```|$)/g;
const QUOTE_LINE = /^[ \t]*>.*$/gm;
const DOUBLE = /"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|`[^`\n]*`/g;
// A single quote opens after a non-letter and closes before one: "don't" and "CI's" are not quotes.
const SINGLE = /(?<![\p{L}\p{N}])['‘][^'’\n]*['’](?![\p{L}\p{N}])/gu;

/** `text` with every quoted span replaced by a space. */
export function withoutQuotedText(text: string): string {
  return text.replace(FENCED, ' ').replace(QUOTE_LINE, ' ').replace(DOUBLE, ' ').replace(SINGLE, ' ');
}
