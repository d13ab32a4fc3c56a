// Does a person's text mention a name of the mesh or of Gerrit? `exact` mentions survive spelling
// variants people use ("release managers" for `release-managers`, "build trigger" for
// `build-trigger`, singular/plural); `near` mentions also allow one typo in a long name. Drafting uses
// near mentions to pick what the model gets to see, and exact mentions to accept what the model
// returns: a name the person did not write is asked about, never assumed.

const STOP = new Set(['the', 'a', 'an', 'to', 'of', 'on', 'in', 'for', 'and', 'or', 'from', 'with', 'at', 'by', 'all', 'any', 'let', 'allow', 'deny', 'only', 'please', 'can', 'may', 'should', 'be', 'is', 'are']);

/** Lower case, URL paths (`/api/builds`) dropped, separators to spaces, one space between words. */
export function normaliseText(text: string): string {
  return ` ${text.toLowerCase().replace(/(^|\s)\/\S*/g, ' ').replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

function wordsOf(name: string): string[] {
  return normaliseText(name).trim().split(' ').filter((w) => w !== '');
}

/** The text mentions `name` (any separators, either number), as whole words. */
export function mentionsExactly(normalisedText: string, name: string): boolean {
  const words = wordsOf(name);
  if (words.length === 0) return false;
  if (normalisedText.includes(` ${words.join(' ')} `)) return true;
  const loose = ` ${normalisedText.trim().split(' ').map(singular).join(' ')} `;
  if (loose.includes(` ${words.map(singular).join(' ')} `)) return true;
  // "buildtrigger" for build-trigger
  return words.length > 1 && normalisedText.includes(` ${words.join('')} `);
}

function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else if (a[i + 1] === b[j] && a[i] === b[j + 1]) {
      i += 2;
      j += 2;
    } else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/**
 * Exact, or one typo away in a name of 6 or more letters (compared joined: "relase managers"). Names
 * with digits match exactly only: `core-060` and `core-160` are different things, not a typo.
 */
export function mentionsNearly(normalisedText: string, name: string): boolean {
  if (mentionsExactly(normalisedText, name)) return true;
  const words = wordsOf(name);
  const joined = words.join('');
  if (joined.length < 6 || /\d/.test(joined)) return false;
  const textWords = normalisedText.trim().split(' ');
  for (let i = 0; i < textWords.length; i++) {
    const span = textWords.slice(i, i + words.length).join('');
    if (withinOneEdit(singular(span), singular(joined))) return true;
  }
  return false;
}

/** Content words of a text (no stop words, 4+ letters), for matching descriptions. */
export function contentWords(text: string): Set<string> {
  return new Set(normaliseText(text).trim().split(' ').filter((w) => w.length >= 4 && !STOP.has(w)).map(singular));
}
