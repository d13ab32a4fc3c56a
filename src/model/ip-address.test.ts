import { describe, expect, it } from 'vitest';

import { classifyIp, formatIp, inNetwork, parseIpLiteral } from './ip-address.js';

const classify = (text: string): ReturnType<typeof classifyIp> | undefined => {
  const ip = parseIpLiteral(text);
  return ip === undefined ? undefined : classifyIp(ip);
};

describe('parseIpLiteral', () => {
  it('reads every IPv4 spelling inet_aton and the WHATWG URL parser accept as the same address', () => {
    for (const spelling of ['127.0.0.1', '2130706433', '0x7f000001', '0x7f.0.0.1', '0177.0.0.1', '0177.0.0.01', '127.1', '127.0.1', '0x7F.1', '017700000001', '127.0.0.1.']) {
      expect(classify(spelling), spelling).toEqual({ address: '127.0.0.1', kind: 'loopback' });
    }
    expect(classify('0xa.0xa.0xa.0xa')).toEqual({ address: '10.10.10.10', kind: 'private' });
    expect(classify('3232235521')).toEqual({ address: '192.168.0.1', kind: 'private' });
    expect(classify('134744072')).toEqual({ address: '8.8.8.8', kind: 'public' });
    expect(classify('0x08080808')).toEqual({ address: '8.8.8.8', kind: 'public' });
    expect(classify('010.010.010.010')).toEqual({ address: '8.8.8.8', kind: 'public' });
  });

  it('rejects what is not an address, so it is resolved as a name (and refused when it does not resolve)', () => {
    for (const text of ['256.0.0.1', '1.2.3.4.5', '08.0.0.1', '0x', 'localhost', '1.2.3.256', '4294967296', 'model.svc', '', '1::2::3', '12345::', ':::1']) {
      if (text === '0x') continue; // `0x` alone is 0 (below)
      expect(parseIpLiteral(text), text).toBeUndefined();
    }
    expect(classify('0x')).toEqual({ address: '0.0.0.0', kind: 'unspecified' });
  });

  it('reads IPv6 forms, brackets and zones; IPv4-mapped addresses are the IPv4 address they carry', () => {
    expect(classify('::1')).toEqual({ address: '::1', kind: 'loopback' });
    expect(classify('[0:0:0:0:0:0:0:1]')).toEqual({ address: '::1', kind: 'loopback' });
    expect(classify('::ffff:127.0.0.1')).toEqual({ address: '::ffff:127.0.0.1', kind: 'loopback', mappedIpv4: '127.0.0.1' });
    expect(classify('::ffff:7f00:1')).toEqual({ address: '::ffff:127.0.0.1', kind: 'loopback', mappedIpv4: '127.0.0.1' });
    expect(classify('[::FFFF:8.8.8.8]')).toEqual({ address: '::ffff:8.8.8.8', kind: 'public', mappedIpv4: '8.8.8.8' });
    expect(classify('::ffff:a00:1')).toEqual({ address: '::ffff:10.0.0.1', kind: 'private', mappedIpv4: '10.0.0.1' });
    expect(classify('fd12:3456::1')).toMatchObject({ address: 'fd12:3456::1', kind: 'private' });
    expect(classify('fc00::')).toMatchObject({ kind: 'private' });
    expect(classify('fe80::1%eth0')).toMatchObject({ address: 'fe80::1', kind: 'link-local' });
    expect(classify('febf:ffff::')).toMatchObject({ kind: 'link-local' });
    expect(classify('fec0::1')).toMatchObject({ kind: 'reserved' });
    expect(classify('::')).toMatchObject({ kind: 'unspecified' });
    expect(classify('::127.0.0.1')).toMatchObject({ kind: 'reserved' });
    expect(classify('64:ff9b::10.0.0.1')).toMatchObject({ kind: 'public' });
    expect(classify('2606:4700::1111')).toMatchObject({ address: '2606:4700::1111', kind: 'public' });
    expect(classify('ff02::1')).toMatchObject({ kind: 'multicast' });
  });

  it('classifies the IPv4 ranges', () => {
    const kinds = Object.fromEntries(
      ['10.1.2.3', '172.16.0.1', '172.31.255.255', '172.32.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '224.0.0.1', '255.255.255.255', '192.0.2.1', '240.0.0.1', '1.1.1.1'].map((a) => [a, classify(a)?.kind]),
    );
    expect(kinds).toEqual({
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '172.31.255.255': 'private',
      '172.32.0.1': 'public',
      '192.168.1.1': 'private',
      '169.254.169.254': 'link-local',
      '0.0.0.0': 'unspecified',
      '100.64.0.1': 'shared',
      '224.0.0.1': 'multicast',
      '255.255.255.255': 'broadcast',
      '192.0.2.1': 'reserved',
      '240.0.0.1': 'reserved',
      '1.1.1.1': 'public',
    });
  });

  it('formats IPv6 per RFC 5952 and matches networks across the mapped form', () => {
    const ip = (text: string) => parseIpLiteral(text) ?? expect.unreachable(text);
    expect(formatIp(ip('2001:0db8:0000:0000:0001:0000:0000:0001'))).toBe('2001:db8::1:0:0:1');
    expect(formatIp(ip('1:0:1:0:1:0:1:0'))).toBe('1:0:1:0:1:0:1:0');
    expect(inNetwork(ip('::ffff:203.0.113.9'), ip('203.0.113.0'), 24)).toBe(true);
    expect(inNetwork(ip('203.0.114.9'), ip('203.0.113.0'), 24)).toBe(false);
    expect(inNetwork(ip('2001:db8::5'), ip('2001:db8::'), 32)).toBe(true);
    expect(inNetwork(ip('10.0.0.1'), ip('2001:db8::'), 32)).toBe(false);
  });
});
