import { describe, expect, it } from 'vitest';
import { createAddressGuard, formatIp, parseIp, specialPurpose, urlProblem } from '../src/ssrf-guard.js';

describe('parseIp', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['10.1', '10.0.0.1'],
    ['192.168.257', '192.168.1.1'],
    ['::1', '0:0:0:0:0:0:0:1'],
    ['[::ffff:127.0.0.1]', '0:0:0:0:0:ffff:7f00:1'],
    ['::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1'],
    ['fe80::1%eth0', 'fe80:0:0:0:0:0:0:1'],
    ['2001:db8::8:800:200c:417a', '2001:db8:0:0:8:800:200c:417a'],
  ])('%s is %s', (text, expected) => {
    const bytes = parseIp(text);
    expect(bytes && formatIp(bytes)).toBe(expected);
  });

  it.each(['example.com', '256.0.0.1', '1.2.3.4.5', '08.0.0.1', '0x', '1.2.3.256', '::g', 'localhost', ''])(
    '%s is no address',
    (text) => {
      expect(text === '0x' ? formatIp(parseIp(text) as Uint8Array) : parseIp(text)).toBe(
        text === '0x' ? '0.0.0.0' : null,
      );
    },
  );
});

describe('specialPurpose', () => {
  const refused: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared address space (CGNAT)'],
    ['169.254.169.254', 'link-local'],
    ['192.0.0.8', 'IETF protocol assignments'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::127.0.0.1', 'NAT64 loopback'],
    ['64:ff9b::a9fe:a9fe', 'NAT64 link-local'],
    ['64:ff9b:1::1', 'local-use NAT64'],
    ['2002:7f00:1::', '6to4 loopback'],
    ['2002:c0a8:0101::1', '6to4 private'],
    ['2001:db8::1', 'documentation'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'IETF protocol assignments (incl. Teredo)'],
    ['fc00::1', 'unique local (private)'],
    ['fd12:3456::1', 'unique local (private)'],
    ['fe80::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['::127.0.0.1', 'not globally routed'],
    ['100::1', 'discard-only'],
  ];
  it.each(refused)('%s is %s', (text, reason) => {
    expect(specialPurpose(parseIp(text) as Uint8Array)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    '2002:0808:0808::1',
  ])('%s is public', (text) => {
    expect(specialPurpose(parseIp(text) as Uint8Array)).toBeNull();
  });
});

describe('createAddressGuard', () => {
  it('refuses private addresses by default, saying why', () => {
    expect(createAddressGuard().check('10.0.0.1')).toBe('10.0.0.1 is a private address');
    expect(createAddressGuard().check('8.8.8.8')).toBeNull();
  });

  it('allows everything with allowPrivateNetworks', () => {
    expect(createAddressGuard({ allowPrivateNetworks: true }).check('127.0.0.1')).toBeNull();
  });

  it('allows listed CIDRs only, IPv4-mapped forms included', () => {
    const guard = createAddressGuard({ allowCidrs: ['10.1.0.0/16', 'fd00::/8'] });
    expect(guard.check('10.1.2.3')).toBeNull();
    expect(guard.check('::ffff:10.1.2.3')).toBeNull();
    expect(guard.check('fd00::5')).toBeNull();
    expect(guard.check('10.2.0.1')).toBe('10.2.0.1 is a private address');
    expect(guard.check('127.0.0.1')).toBe('127.0.0.1 is a loopback address');
  });

  it('names the option when a CIDR is malformed', () => {
    expect(() => createAddressGuard({ allowCidrs: ['10.0.0.0/33'] })).toThrow(/`allowCidrs`/);
  });
});

describe('urlProblem', () => {
  const guard = createAddressGuard();
  const resolver = (answers: Record<string, string[]>) => async (host: string) => {
    const list = answers[host];
    if (!list) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const dns = resolver({
    'public.test': ['93.184.216.34'],
    'mixed.test': ['93.184.216.34', '10.0.0.7'],
    'v6.test': ['::1'],
  });

  it.each([
    ['https://public.test/hook', null],
    ['https://8.8.8.8/hook', null],
    ['http://2130706433/', '127.0.0.1: 127.0.0.1 is a loopback address'],
    ['http://0x7f.1/', '127.0.0.1: 127.0.0.1 is a loopback address'],
    ['http://[::ffff:7f00:1]/', '[::ffff:7f00:1]: 0:0:0:0:0:ffff:7f00:1 is a IPv4-mapped loopback address'],
    ['https://mixed.test/', 'mixed.test resolves to 10.0.0.7 is a private address'],
    ['https://v6.test/', 'v6.test resolves to 0:0:0:0:0:0:0:1 is a loopback address'],
    ['http://localhost:3000/', 'localhost resolves to 127.0.0.1 is a loopback address'],
    ['http://app.localhost/', 'app.localhost resolves to 127.0.0.1 is a loopback address'],
    ['https://unknown.test/', null],
  ])('%s → %s', async (url, expected) => {
    expect(await urlProblem(new URL(url), guard, dns)).toBe(expected);
  });
});
