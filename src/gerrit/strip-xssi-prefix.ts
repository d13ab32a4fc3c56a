// Gerrit starts every JSON body with the line `)]}'` against XSSI; this removes it. Pure string code.

const PREFIX = ")]}'";

/** The body without Gerrit's `)]}'` first line; bodies without it are returned unchanged. */
export function stripXssiPrefix(body: string): string {
  if (!body.startsWith(PREFIX)) return body;
  const newline = body.indexOf('\n');
  return newline === -1 ? '' : body.slice(newline + 1);
}
