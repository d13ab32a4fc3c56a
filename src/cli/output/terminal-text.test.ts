// terminalSafe: text from the model or Gerrit cannot move the cursor, recolour or retitle the terminal.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { painter, terminalSafe } from './terminal-text.js';

describe('terminalSafe', () => {
  it('removes escape sequences introducers and other controls, keeps tabs and newlines', () => {
    expect(terminalSafe('ok\u001B[2J\u001B]0;pwned\u0007 done\r\nnext\ttab\u009B31m')).toBe('ok[2J]0;pwned done\nnext\ttab31m');
  });
  it('never leaves a control character other than tab and newline', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        // eslint-disable-next-line no-control-regex
        expect(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/.test(terminalSafe(s))).toBe(false);
      }),
    );
  });
  it('paints only when colour is wanted', () => {
    expect(painter(false)('red', 'x')).toBe('x');
    expect(painter(true)('red', 'x')).toBe('\u001B[31mx\u001B[0m');
  });
});
