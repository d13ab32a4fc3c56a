// Quotes words for a POSIX shell (sh, bash, zsh), so that a command gic prints can be pasted and run as
// it is: a word of safe characters stays bare, anything else goes in single quotes with each `'`
// written as `'\''`.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

function shellQuote(word: string): string {
  if (SAFE.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** A command line from its words, each quoted as needed. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
