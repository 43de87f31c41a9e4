import { describe, expect, it } from 'vitest';
import {
  createAddressGuard,
  formatIp,
  type IpBytes,
  isLocalhostName,
  parseCidr,
  parseIp,
  type Resolver,
  SPECIAL_PURPOSE_TABLE,
  specialPurpose,
  urlProblem,
} from '../src/ssrf-guard.js';

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

  it('says "an" where the name wants it', () => {
    const guard = createAddressGuard();
    expect(guard.check('0.0.0.0')).toBe('0.0.0.0 is an unspecified ("this network") address');
    expect(guard.check('::')).toBe('0:0:0:0:0:0:0:0 is an unspecified address');
    expect(guard.check('::ffff:127.0.0.1')).toBe('0:0:0:0:0:ffff:7f00:1 is an IPv4-mapped loopback address');
    expect(guard.check('192.0.0.8')).toBe('192.0.0.8 is an IETF protocol assignments address');
    expect(guard.check('fc00::1')).toBe('fc00:0:0:0:0:0:0:1 is a unique local (private) address');
    expect(guard.check('::127.0.0.1')).toBe('0:0:0:0:0:0:7f00:1 is an address that is not globally routed');
    expect(guard.refusal('10.0.0.1')).toEqual({ address: '10.0.0.1', kind: 'a private address' });
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
    ['http://[::ffff:7f00:1]/', '[::ffff:7f00:1]: 0:0:0:0:0:ffff:7f00:1 is an IPv4-mapped loopback address'],
    ['https://mixed.test/', 'mixed.test resolves to 10.0.0.7, a private address'],
    ['https://v6.test/', 'v6.test resolves to 0:0:0:0:0:0:0:1, a loopback address'],
    ['http://localhost:3000/', 'localhost resolves to 127.0.0.1, a loopback address'],
    ['http://app.localhost/', 'app.localhost resolves to 127.0.0.1, a loopback address'],
    // Trailing dots and any case: DNS does not know these (ENOTFOUND), the name alone refuses them.
    ['http://LOCALHOST./', 'localhost. resolves to 127.0.0.1, a loopback address'],
    ['http://localhost../', 'localhost.. resolves to 127.0.0.1, a loopback address'],
    ['http://localhost%2e/', 'localhost. resolves to 127.0.0.1, a loopback address'],
    ['http://App.LocalHost./', 'app.localhost. resolves to 127.0.0.1, a loopback address'],
    ['http://user:pw@LOCALHOST./', 'localhost. resolves to 127.0.0.1, a loopback address'],
    ['http://127.0.0.1./', '127.0.0.1: 127.0.0.1 is a loopback address'],
    ['https://unknown.test/', null],
    ['https://notlocalhost.test/', null],
  ])('%s → %s', async (url, expected) => {
    expect(await urlProblem(new URL(url), guard, dns)).toBe(expected);
  });

  it('refuses a localhost name even when DNS answers a public address', async () => {
    const lying: Resolver = async () => [{ address: '93.184.216.34', family: 4 }];
    expect(await urlProblem(new URL('http://LOCALHOST./'), guard, lying)).toBe(
      'localhost. resolves to 127.0.0.1, a loopback address',
    );
  });

  it('lets a localhost name through where loopback is allowed, then checks what DNS answers', async () => {
    const open = createAddressGuard({ allowPrivateNetworks: true });
    expect(await urlProblem(new URL('http://LOCALHOST./'), open, dns)).toBeNull();
    const loopbackOnly = createAddressGuard({ allowCidrs: ['127.0.0.0/8'] });
    expect(await urlProblem(new URL('http://localhost./'), loopbackOnly, dns)).toBeNull();
    const v6: Resolver = async () => [{ address: '::1', family: 6 }];
    expect(await urlProblem(new URL('http://localhost./'), loopbackOnly, v6)).toBe(
      'localhost. resolves to 0:0:0:0:0:0:0:1, a loopback address',
    );
  });
});

describe('isLocalhostName', () => {
  it.each(['localhost', 'LOCALHOST', 'localhost.', 'LocalHost..', 'app.localhost', 'a.b.LOCALHOST.'])(
    '%s is a localhost name',
    (name) => expect(isLocalhostName(name)).toBe(true),
  );
  it.each(['notlocalhost', 'localhost.example.com', 'localhostx.', 'example.com.', ''])('%s is not', (name) =>
    expect(isLocalhostName(name)).toBe(false),
  );
});

// The registries as published (iana.org/assignments/iana-ipv4-special-registry and -ipv6-), written
// out here rather than read from the guard, so a wrong prefix in the guard's table fails below.
const REGISTRY_V4: [string, string][] = [
  ['0.0.0.0/8', 'unspecified ("this network")'],
  ['10.0.0.0/8', 'private'],
  ['100.64.0.0/10', 'shared address space (CGNAT)'],
  ['127.0.0.0/8', 'loopback'],
  ['169.254.0.0/16', 'link-local'],
  ['172.16.0.0/12', 'private'],
  ['192.0.0.0/24', 'IETF protocol assignments'],
  ['192.0.2.0/24', 'documentation'],
  ['192.88.99.0/24', '6to4 relay anycast'],
  ['192.168.0.0/16', 'private'],
  ['198.18.0.0/15', 'benchmarking'],
  ['198.51.100.0/24', 'documentation'],
  ['203.0.113.0/24', 'documentation'],
  ['224.0.0.0/4', 'multicast'],
  ['240.0.0.0/4', 'reserved'],
];
const REGISTRY_V6: [string, string][] = [
  ['::/128', 'unspecified'],
  ['::1/128', 'loopback'],
  ['64:ff9b:1::/48', 'local-use NAT64'],
  ['100::/64', 'discard-only'],
  ['2001::/23', 'IETF protocol assignments (incl. Teredo)'],
  ['2001:db8::/32', 'documentation'],
  ['3fff::/20', 'documentation'],
  ['5f00::/16', 'SRv6 SIDs'],
  ['fc00::/7', 'unique local (private)'],
  ['fe80::/10', 'link-local'],
  ['fec0::/10', 'site-local'],
  ['ff00::/8', 'multicast'],
];

const toBig = (bytes: IpBytes) => bytes.reduce((n, b) => (n << 8n) | BigInt(b), 0n);
const fromBig = (n: bigint, length: number): IpBytes => {
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) bytes[i] = Number(n & 255n);
  return bytes;
};

/** First, middle and last address of `cidr`, and the neighbours just outside it (where they exist). */
function probes(cidr: string) {
  const { bytes, prefix } = parseCidr(cidr) as { bytes: IpBytes; prefix: number };
  const bits = BigInt(bytes.length * 8);
  const hostBits = bits - BigInt(prefix);
  const first = (toBig(bytes) >> hostBits) << hostBits;
  const last = first + (1n << hostBits) - 1n;
  const inside = [first, first + (last - first + 1n) / 2n, last].map((n) => fromBig(n, bytes.length));
  const outside = [first - 1n, last + 1n]
    .filter((n) => n >= 0n && n < 1n << bits)
    .map((n) => fromBig(n, bytes.length));
  return { inside, outside };
}

/** Public by the registries above: no block holds it (IPv6: and it is global unicast, not 6to4). */
function publicByRegistry(address: IpBytes): boolean {
  const within = (cidr: string) => {
    const { inside } = probes(cidr);
    const n = toBig(address);
    return n >= toBig(inside[0] as IpBytes) && n <= toBig(inside[2] as IpBytes);
  };
  if (address.length === 4) return !REGISTRY_V4.some(([cidr]) => within(cidr));
  return within('2000::/3') && !within('2002::/16') && !REGISTRY_V6.some(([cidr]) => within(cidr));
}

describe('the special-purpose table', () => {
  it('holds exactly the registries’ blocks, prefixes included', () => {
    expect(SPECIAL_PURPOSE_TABLE.v4.map((r) => [r.cidr, r.name])).toEqual(REGISTRY_V4);
    expect(SPECIAL_PURPOSE_TABLE.v6.map((r) => [r.cidr, r.name])).toEqual(REGISTRY_V6);
    const { v4Mapped, nat64, sixToFour } = SPECIAL_PURPOSE_TABLE.embedding;
    expect([v4Mapped.cidr, nat64.cidr, sixToFour.cidr]).toEqual([
      '::ffff:0:0/96',
      '64:ff9b::/96',
      '2002::/16',
    ]);
    expect(SPECIAL_PURPOSE_TABLE.globalUnicast.cidr).toBe('2000::/3');
  });

  // Every block of the guard's own table, probed at the registry's prefix for the same network: a
  // block written with a wrong prefix (CGNAT as /16) then misjudges its last address.
  const registry = new Map(
    [...REGISTRY_V4, ...REGISTRY_V6].map(([cidr, name]) => [cidr.split('/')[0], { cidr, name }]),
  );
  it.each(
    [...SPECIAL_PURPOSE_TABLE.v4, ...SPECIAL_PURPOSE_TABLE.v6].map((r) => ({ cidr: r.cidr, name: r.name })),
  )('$cidr: first, middle and last are $name; the public neighbours are public', ({ cidr, name }) => {
    const truth = registry.get(cidr.split('/')[0]);
    expect(truth, `${cidr} is in no registry`).toBeDefined();
    expect(truth?.name).toBe(name);
    const { inside, outside } = probes(truth?.cidr ?? cidr);
    const judged = (address: IpBytes) => [formatIp(address), specialPurpose(address)];
    for (const address of inside) expect(judged(address)).toEqual([formatIp(address), name]);
    for (const address of outside.filter(publicByRegistry))
      expect(judged(address)).toEqual([formatIp(address), null]);
  });

  it.each(SPECIAL_PURPOSE_TABLE.v4.map((r) => ({ cidr: r.cidr, name: r.name })))(
    '$cidr embedded as IPv4-mapped, NAT64 and 6to4 is refused the same',
    ({ cidr, name }) => {
      for (const v4 of probes(cidr).inside) {
        const mapped = parseIp(`::ffff:${formatIp(v4)}`) as IpBytes;
        const nat64 = parseIp(`64:ff9b::${formatIp(v4)}`) as IpBytes;
        const sixToFour = new Uint8Array(16);
        sixToFour.set([0x20, 0x02, ...v4]);
        expect(specialPurpose(mapped)).toBe(`IPv4-mapped ${name}`);
        expect(specialPurpose(nat64)).toBe(`NAT64 ${name}`);
        expect(specialPurpose(sixToFour)).toBe(`6to4 ${name}`);
      }
    },
  );
});
