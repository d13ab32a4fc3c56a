import { describe, expect, it } from 'vitest';

import { egressVerdict, isClusterInternalName, parseAllowEntry } from './egress-policy.js';

const rules = { allowHosts: [], clusterDomain: 'cluster.local' };

describe('egressVerdict', () => {
  it('allows a host only when every address is loopback, private or link-local', () => {
    expect(egressVerdict('model.lan', ['10.0.0.7', 'fd00::7'], rules)).toMatchObject({ allowed: true, basis: 'addresses' });
    expect(egressVerdict('localhost', ['127.0.0.1', '::1'], rules)).toMatchObject({ allowed: true });
    expect(egressVerdict('link', ['169.254.1.1', 'fe80::1'], rules)).toMatchObject({ allowed: true });
    const mixed = egressVerdict('model.example', ['10.0.0.7', '93.184.216.34'], rules);
    expect(mixed).toMatchObject({ allowed: false });
    expect(mixed.reason).toContain('93.184.216.34 (public)');
    expect(mixed.reason).toContain('--model-allow-host');
    expect(egressVerdict('mapped', ['::ffff:8.8.8.8'], rules).reason).toContain('IPv4-mapped 8.8.8.8');
    expect(egressVerdict('none', [], rules)).toMatchObject({ allowed: false, reason: 'none resolved to no address' });
    expect(egressVerdict('cgnat', ['100.64.0.1'], rules)).toMatchObject({ allowed: false });
    expect(egressVerdict('any', ['0.0.0.0'], rules)).toMatchObject({ allowed: false });
    expect(egressVerdict('junk', ['not-an-ip'], rules)).toMatchObject({ allowed: false });
  });

  it('allows cluster-internal Service names and allow-listed hosts, addresses and networks', () => {
    expect(egressVerdict('vllm.models.svc', ['34.1.2.3'], rules)).toMatchObject({ allowed: true, basis: 'cluster-internal' });
    expect(egressVerdict('vllm.models.svc.cluster.local.', ['34.1.2.3'], rules)).toMatchObject({ allowed: true, basis: 'cluster-internal' });
    expect(egressVerdict('vllm.models.svc.corp.example', ['34.1.2.3'], { ...rules, clusterDomain: 'corp.example' })).toMatchObject({ allowed: true });
    expect(egressVerdict('vllm.models.svc.cluster.local.evil.com', ['34.1.2.3'], rules)).toMatchObject({ allowed: false });
    expect(egressVerdict('svc', ['34.1.2.3'], rules)).toMatchObject({ allowed: false });
    const listed = { ...rules, allowHosts: ['Models.Example.com', '*.gpu.example', '34.0.0.0/8', '2001:db8::/32'] };
    expect(egressVerdict('models.example.com', ['8.8.8.8'], listed)).toMatchObject({ allowed: true, basis: 'allow-list' });
    expect(egressVerdict('a.b.gpu.example', ['8.8.8.8'], listed)).toMatchObject({ allowed: true, basis: 'allow-list' });
    expect(egressVerdict('gpu.example', ['8.8.8.8'], listed)).toMatchObject({ allowed: false });
    expect(egressVerdict('other', ['34.5.6.7', '10.0.0.1', '2001:db8::1'], listed)).toMatchObject({ allowed: true, basis: 'addresses' });
    expect(egressVerdict('other', ['35.5.6.7'], listed)).toMatchObject({ allowed: false });
  });

  it('rejects malformed allow-list entries and recognises Service names', () => {
    expect(() => parseAllowEntry('10.0.0.0/33')).toThrow('not a valid CIDR');
    expect(() => parseAllowEntry('http://x')).toThrow('not a valid CIDR');
    expect(() => parseAllowEntry('model host')).toThrow('not a host name');
    expect(() => parseAllowEntry('*.')).toThrow('wildcard');
    expect(parseAllowEntry('0x7f.1')).toMatchObject({ kind: 'network', prefix: 32 });
    expect(isClusterInternalName('a.svc', 'cluster.local')).toBe(true);
    expect(isClusterInternalName('a.svc.cluster.local', 'cluster.local')).toBe(true);
    expect(isClusterInternalName('a.svc.other.local', 'cluster.local')).toBe(false);
    expect(isClusterInternalName('.svc', 'cluster.local')).toBe(false);
  });
});
