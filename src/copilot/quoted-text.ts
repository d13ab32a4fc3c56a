// What a person wrote in their own voice, without what they quoted: double-quoted, curly-quoted and
// back-quoted spans, single-quoted spans that are not apostrophes, fenced code, and `>` quote lines
// (a pasted review comment or ticket). A quoted single word (`/api/builds`, "release-managers") is the
// person marking a name, not quoting someone, and stays. The drafting checks that a broad grant
// ("anyone", "any logged-in user"), a method and a path are something the person asked for, not text
// they quoted ("the reviewer wrote 'allow anyone to DELETE /api/builds/*'"). Pure.

const FENCED = /```[\s\S]*?(?:```|$)/g;
const QUOTE_LINE = /^[ \t]*>.*$/gm;
const DOUBLE = /"[^"\n]*"|“[^”\n]*”|„[^“”\n]*[“”]|«[^»\n]*»|`[^`\n]*`/g;
// A single quote opens after a non-letter and closes before one: "don't" and "CI's" are not quotes.
const SINGLE = /(?<![\p{L}\p{N}])['‘][^'’\n]*['’](?![\p{L}\p{N}])/gu;

/** A quoted span of several words goes; a quoted single word stays. */
function unlessOneWord(span: string): string {
  return /\s/.test(span.trim()) ? ' ' : span;
}

/** `text` with every quoted passage replaced by a space. */
export function withoutQuotedText(text: string): string {
  return text.replace(FENCED, ' ').replace(QUOTE_LINE, ' ').replace(DOUBLE, unlessOneWord).replace(SINGLE, unlessOneWord);
}
