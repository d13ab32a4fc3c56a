import { describe, expect, it } from 'vitest';

import { stripXssiPrefix } from './strip-xssi-prefix.js';

describe('stripXssiPrefix', () => {
  it('removes the )]}\' line and keeps the JSON after it', () => {
    expect(stripXssiPrefix(")]}'\n{\"id\":\"x\"}")).toBe('{"id":"x"}');
    expect(JSON.parse(stripXssiPrefix(")]}'\n[1,2]\n"))).toEqual([1, 2]);
  });
  it('handles CRLF and a prefix with no body', () => {
    expect(stripXssiPrefix(")]}'\r\n\"3.9.4\"")).toBe('"3.9.4"');
    expect(stripXssiPrefix(")]}'")).toBe('');
  });
  it('leaves bodies without the prefix unchanged (plain-text errors)', () => {
    expect(stripXssiPrefix('Not found: x')).toBe('Not found: x');
    expect(stripXssiPrefix(' )]}\'\n{}')).toBe(' )]}\'\n{}');
  });
});
