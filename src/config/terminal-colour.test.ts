// colourWanted: NO_COLOR (any non-empty value) wins, FORCE_COLOR forces, else only on a terminal.
import { describe, expect, it } from 'vitest';

import { colourWanted } from './terminal-colour.js';

describe('colourWanted', () => {
  it('follows no-color.org and FORCE_COLOR', () => {
    expect(colourWanted(true, {})).toBe(true);
    expect(colourWanted(false, {})).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '1' })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: '' })).toBe(true);
    expect(colourWanted(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(colourWanted(false, { FORCE_COLOR: '0' })).toBe(false);
    expect(colourWanted(true, { NO_COLOR: 'yes', FORCE_COLOR: '1' })).toBe(false);
  });
});
