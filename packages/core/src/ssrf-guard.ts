import { isIPv4, isIPv6 } from 'node:net';

/** An address in a canonical form: 4 bytes for IPv4, 16 for IPv6. */
export type IpBytes = Uint8Array;

/**
 * Parses an IPv4 address the way `inet_aton` and the WHATWG URL parser do, so odd spellings such as
 * `2130706433`, `0177.0.0.1`, `127.1` and `0x7f.1` are recognised as the address they dial.
 * Returns `null` when `text` is no IPv4 address in any spelling.
 */
export function parseIPv4(text: string): IpBytes | null {
  const parts = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) value = part.length === 2 ? 0 : Number.parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = Number.parseInt(part.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) value = Number(part);
    else return null;
    numbers.push(value);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return null;
  // The last part fills every byte the earlier parts left (`127.1` is 127.0.0.1).
  if (last >= 256 ** (4 - numbers.length)) return null;
  let value = last;
  numbers.forEach((n, i) => {
    value += n * 256 ** (3 - i);
  });
  return Uint8Array.of((value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** Parses an IPv6 address (brackets and a zone id allowed), or `null`. */
export function parseIPv6(text: string): IpBytes | null {
  let s = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = s.indexOf('%');
  if (zone !== -1) s = s.slice(0, zone);
  if (!isIPv6(s)) return null;
  const lastColon = s.lastIndexOf(':');
  const dotted = s.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // Rewrite a trailing dotted IPv4 part as two hex groups so one parser handles both forms.
    const v4 = parseIPv4(dotted);
    if (!v4) return null;
    const hi = (((v4[0] as number) << 8) | (v4[1] as number)).toString(16);
    const lo = (((v4[2] as number) << 8) | (v4[3] as number)).toString(16);
    s = `${s.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const [head = '', rest] = s.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups =
    rest === undefined
      ? headGroups
      : [...headGroups, ...Array(8 - headGroups.length - restGroups.length).fill('0'), ...restGroups];
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = Number.parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 255;
  });
  return bytes;
}

/** Parses any IP spelling, or returns `null` for a host name. */
export function parseIp(text: string): IpBytes | null {
  if (text.includes(':') || text.startsWith('[')) return parseIPv6(text);
  return parseIPv4(text);
}

export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2)
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16));
  return groups.join(':');
}

/** One block of the special-purpose table: `cidr` as written, parsed into `bytes` and `prefix`. */
export interface SpecialRange {
  cidr: string;
  bytes: IpBytes;
  prefix: number;
  name: string;
}

function range(cidr: string, name: string): SpecialRange {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`bad built-in range ${cidr}`);
  return { cidr, ...parsed, name };
}

/** Parses `a.b.c.d/n` or `x::/n`; `null` when malformed. */
export function parseCidr(cidr: string): { bytes: IpBytes; prefix: number } | null {
  const [address = '', prefixText] = cidr.split('/');
  const bytes = address.includes(':') ? parseIPv6(address) : isIPv4(address) ? parseIPv4(address) : null;
  if (!bytes) return null;
  const max = bytes.length * 8;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || !/^\d*$/.test(prefixText ?? '')) return null;
  return { bytes, prefix };
}

function inRange(bytes: IpBytes, r: { bytes: IpBytes; prefix: number }): boolean {
  if (bytes.length !== r.bytes.length) return false;
  let bits = r.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((bytes[i] as number) & mask) !== ((r.bytes[i] as number) & mask)) return false;
  }
  return true;
}

// IANA IPv4 Special-Purpose Address Registry: every block whose "Globally Reachable" is not `True`.
const V4_SPECIAL: readonly SpecialRange[] = [
  range('0.0.0.0/8', 'unspecified ("this network")'),
  range('10.0.0.0/8', 'private'),
  range('100.64.0.0/10', 'shared address space (CGNAT)'),
  range('127.0.0.0/8', 'loopback'),
  range('169.254.0.0/16', 'link-local'),
  range('172.16.0.0/12', 'private'),
  range('192.0.0.0/24', 'IETF protocol assignments'),
  range('192.0.2.0/24', 'documentation'),
  range('192.88.99.0/24', '6to4 relay anycast'),
  range('192.168.0.0/16', 'private'),
  range('198.18.0.0/15', 'benchmarking'),
  range('198.51.100.0/24', 'documentation'),
  range('203.0.113.0/24', 'documentation'),
  range('224.0.0.0/4', 'multicast'),
  range('240.0.0.0/4', 'reserved'),
];

// IANA IPv6 Special-Purpose Address Registry, plus multicast and the deprecated site-local block.
const V6_SPECIAL: readonly SpecialRange[] = [
  range('::/128', 'unspecified'),
  range('::1/128', 'loopback'),
  range('64:ff9b:1::/48', 'local-use NAT64'),
  range('100::/64', 'discard-only'),
  range('2001::/23', 'IETF protocol assignments (incl. Teredo)'),
  range('2001:db8::/32', 'documentation'),
  range('3fff::/20', 'documentation'),
  range('5f00::/16', 'SRv6 SIDs'),
  range('fc00::/7', 'unique local (private)'),
  range('fe80::/10', 'link-local'),
  range('fec0::/10', 'site-local'),
  range('ff00::/8', 'multicast'),
];

const V4_MAPPED = range('::ffff:0:0/96', 'IPv4-mapped');
const NAT64 = range('64:ff9b::/96', 'NAT64');
const SIX_TO_FOUR = range('2002::/16', '6to4');
const GLOBAL_UNICAST = range('2000::/3', 'global unicast');

/** The guard's table, for tests that hold it to the registries. */
export const SPECIAL_PURPOSE_TABLE = {
  v4: V4_SPECIAL,
  v6: V6_SPECIAL,
  /** IPv6 forms judged by the IPv4 address they embed (bytes 12–15, or 2–5 for 6to4). */
  embedding: { v4Mapped: V4_MAPPED, nat64: NAT64, sixToFour: SIX_TO_FOUR },
  globalUnicast: GLOBAL_UNICAST,
} as const;

/** Why an address is not globally reachable, or `null` when it is. */
export function specialPurpose(bytes: IpBytes): string | null {
  if (bytes.length === 4) return V4_SPECIAL.find((r) => inRange(bytes, r))?.name ?? null;
  // Forms that embed an IPv4 address are judged by the address they reach.
  for (const embedding of [V4_MAPPED, NAT64]) {
    if (inRange(bytes, embedding)) {
      const inner = specialPurpose(bytes.slice(12, 16));
      return inner === null ? null : `${embedding.name} ${inner}`;
    }
  }
  if (inRange(bytes, SIX_TO_FOUR)) {
    const inner = specialPurpose(bytes.slice(2, 6));
    return inner === null ? null : `6to4 ${inner}`;
  }
  const special = V6_SPECIAL.find((r) => inRange(bytes, r));
  if (special) return special.name;
  return inRange(bytes, GLOBAL_UNICAST) ? null : 'not globally routed';
}

/** Who may be dialled besides the public internet. */
export interface NetworkPolicy {
  /**
   * Allow every address, private ones included (local development).
   * @default false
   */
  allowPrivateNetworks?: boolean;
  /**
   * CIDR blocks allowed even though not globally reachable, e.g. `['10.1.0.0/16', '127.0.0.1/32']`.
   * @default []
   */
  allowCidrs?: readonly string[];
}

/** Why the guard refuses an address: `address` is canonical, `kind` a noun phrase ("a loopback address"). */
export interface Refusal {
  address: string;
  kind: string;
}

/**
 * A compiled `NetworkPolicy`: `refusal(address)` says why an address is refused, or `null`;
 * `check(address)` says it as a sentence ("127.0.0.1 is a loopback address").
 */
export interface AddressGuard {
  refusal(address: string | IpBytes): Refusal | null;
  check(address: string | IpBytes): string | null;
}

/** "a loopback address", "an unspecified address": the article the table's names need. */
function kindOf(reason: string): string {
  if (reason.startsWith('not ')) return `an address that is ${reason}`;
  return `${/^(?:unspecified|IPv4|IETF|SRv6)/.test(reason) ? 'an' : 'a'} ${reason} address`;
}

/** `"app.localhost resolves to 127.0.0.1, a loopback address"`. */
export function resolvesTo(hostname: string, refusal: Refusal): string {
  return `${hostname} resolves to ${refusal.address}, ${refusal.kind}`;
}

/**
 * `localhost` and every name under it, in any case and with trailing dots (`LOCALHOST.`): RFC 6761
 * §6.3 has them always mean loopback, whatever DNS answers, so they are judged by name.
 */
export function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** The loopback address a localhost name is judged as. */
export const LOCALHOST_ADDRESS = '127.0.0.1';

export function createAddressGuard(policy: NetworkPolicy = {}): AddressGuard {
  const allowed = (policy.allowCidrs ?? []).map((cidr) => {
    const parsed = parseCidr(cidr);
    if (!parsed)
      throw new TypeError(`\`allowCidrs\` holds "${cidr}", which is not a CIDR block such as 10.0.0.0/8.`);
    return parsed;
  });
  const refusal = (address: string | IpBytes): Refusal | null => {
    if (policy.allowPrivateNetworks) return null;
    const bytes = typeof address === 'string' ? parseIp(address) : address;
    if (!bytes) return { address: `"${String(address)}"`, kind: 'not an IP address' };
    const reason = specialPurpose(bytes);
    if (reason === null) return null;
    const v4 = bytes.length === 16 && inRange(bytes, V4_MAPPED) ? bytes.slice(12) : null;
    if (allowed.some((r) => inRange(bytes, r) || (v4 !== null && inRange(v4, r)))) return null;
    return { address: formatIp(bytes), kind: kindOf(reason) };
  };
  return {
    refusal,
    check(address) {
      const refused = refusal(address);
      return refused && `${refused.address} is ${refused.kind}`;
    },
  };
}

/** Resolves a host name to every address it has (the shape of `dns.promises.lookup(name, { all: true })`). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

/**
 * Why `url` may not be dialled, or `null`. Names are resolved and every answer checked; a name that
 * does not resolve passes here, because the connect-time check runs on the address actually dialled.
 * Localhost names are refused by name first, as the sender refuses them at connect time.
 */
export async function urlProblem(url: URL, guard: AddressGuard, resolve: Resolver): Promise<string | null> {
  const host = url.hostname.toLowerCase();
  const literal = parseIp(host);
  if (literal) {
    const reason = guard.check(literal);
    return reason && `${url.hostname}: ${reason}`;
  }
  if (isLocalhostName(host)) {
    const refused = guard.refusal(LOCALHOST_ADDRESS);
    if (refused) return resolvesTo(url.hostname, refused);
  }
  let answers: { address: string }[];
  try {
    answers = await resolve(host);
  } catch {
    return null;
  }
  for (const { address } of answers) {
    const refused = guard.refusal(address);
    if (refused) return resolvesTo(url.hostname, refused);
  }
  return null;
}
