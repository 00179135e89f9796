/**
 * Addresses and CIDR blocks: the one strict parser every Hearth package uses (Pulumi-free, also
 * published as `@hearth/core/address` so the catalog client can use it without the Pulumi SDK).
 *
 * Only the canonical notation is accepted, so what a reader sees is what a cloud gets:
 * - IPv4 as four decimal parts without leading zeros (`10.0.0.1`); never the shorthand
 *   `10/8` or `10.1`, integer (`167772161`), hex (`0xa.0.0.1`) or octal (`010.0.0.1`) forms
 *   that some parsers (inet_aton, ipaddr.js) read as a different address;
 * - IPv6 as RFC 5952 writes it (lowercase, no leading zeros, the longest run of zero groups
 *   as `::`), without a zone id (`fe80::1%eth0`) or brackets;
 * - a CIDR as that address, `/`, and a decimal prefix without leading zeros.
 * Nothing is rewritten: a network with host bits set (`10.0.0.5/24`) is refused with the
 * network it probably meant, never quietly turned into it.
 */
import ipaddr from "ipaddr.js";
import type { Fail } from "./errors.js";

// The checks below take a Fail; "@hearth/core/address" names it for its users too.
export type { Fail };

export type IpFamily = "ipv4" | "ipv6";

/** A parsed address. */
export interface IpAddress {
  readonly family: IpFamily;
  /** The canonical text, equal to what was given. */
  readonly address: string;
}

/** A parsed CIDR block. */
export interface Cidr {
  /** The address part as given (canonical; a host address for an interface address). */
  readonly address: string;
  readonly prefix: number;
  readonly family: IpFamily;
  /** The network address: `address` with the host bits cleared. */
  readonly network: string;
  /** True when `address` has host bits set (`10.0.0.5/24`): an interface address, not a network. */
  readonly hostBits: boolean;
}

const ipv4Octet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
const ipv4Pattern = new RegExp(`^${ipv4Octet}(?:\\.${ipv4Octet}){3}$`);
const prefixPattern = /^(?:0|[1-9][0-9]{0,2})$/;

/** Parses one address in canonical notation; undefined for anything else. */
export function parseIp(text: unknown): IpAddress | undefined {
  if (typeof text !== "string") return undefined;
  if (ipv4Pattern.test(text)) return { family: "ipv4", address: text };
  if (!text.includes(":") || !/^[0-9a-f:]+$/.test(text) || !ipaddr.IPv6.isValid(text)) return undefined;
  const canonical = ipaddr.IPv6.parse(text).toRFC5952String();
  return canonical === text ? { family: "ipv6", address: text } : undefined;
}

/** Parses a CIDR block in canonical notation (host bits allowed, see {@link Cidr.hostBits}); undefined otherwise. */
export function parseCidr(text: unknown): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const slash = text.indexOf("/");
  if (slash < 0 || slash !== text.lastIndexOf("/")) return undefined;
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !prefixPattern.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bitsOf(ip.family)) return undefined;
  const network = networkAddress(ip.address, prefix);
  return { address: ip.address, prefix, family: ip.family, network, hostBits: network !== ip.address };
}

/** True when `text` is a canonical IPv4 or IPv6 CIDR block (host bits allowed). */
export function isCidr(text: unknown): boolean {
  return parseCidr(text) !== undefined;
}

/** True when `text` is a canonical bare IPv4 or IPv6 address. */
export function isIpAddress(text: unknown): boolean {
  return parseIp(text) !== undefined;
}

function bitsOf(family: IpFamily): number {
  return family === "ipv4" ? 32 : 128;
}

function toBigInt(address: string): bigint {
  return ipaddr.parse(address).toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

function fromBigInt(value: bigint, family: IpFamily): string {
  const bytes: number[] = [];
  for (let i = 0; i < bitsOf(family) / 8; i++) {
    bytes.unshift(Number(value & 0xffn));
    value >>= 8n;
  }
  const parsed = ipaddr.fromByteArray(bytes);
  return parsed.kind() === "ipv6" ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
}

/** The first and last address of a block, as numbers. */
function rangeOf(cidr: Cidr): { first: bigint; last: bigint } {
  const hostBits = BigInt(bitsOf(cidr.family) - cidr.prefix);
  const first = (toBigInt(cidr.address) >> hostBits) << hostBits;
  return { first, last: first + (1n << hostBits) - 1n };
}

function networkAddress(address: string, prefix: number): string {
  const family: IpFamily = address.includes(":") ? "ipv6" : "ipv4";
  const hostBits = BigInt(bitsOf(family) - prefix);
  return fromBigInt((toBigInt(address) >> hostBits) << hostBits, family);
}

/** The network a CIDR names, with host bits cleared: `10.0.0.5/24` -> `10.0.0.0/24` (for messages, never to rewrite input). */
export function networkOf(cidr: string): string {
  const parsed = parseCidr(cidr);
  if (!parsed) throw new RangeError(`networkOf: ${JSON.stringify(cidr)} is not a CIDR block`);
  return `${parsed.network}/${parsed.prefix}`;
}

/** True when `inner` (an address or a CIDR) lies wholly inside the CIDR `outer` (same family). */
export function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner) ?? (parseIp(inner) ? parseCidr(`${inner}/${inner.includes(":") ? 128 : 32}`) : undefined);
  if (!o || !i || o.family !== i.family || i.prefix < o.prefix) return false;
  const a = rangeOf(o);
  const b = rangeOf(i);
  return b.first >= a.first && b.last <= a.last;
}

/** True when two CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}

/** The private IPv4 ranges of RFC 1918 ("Address Allocation for Private Internets", section 3). */
export const rfc1918Ranges = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] as const;

/** What a field accepts, beyond the canonical notation. */
export interface CidrRules {
  /** Only this family. @default both */
  readonly family?: IpFamily;
  /**
   * `"network"` refuses host bits (a network or a source range), `"interface"` requires an
   * address with its prefix (`10.0.0.10/24`, a VM's interface). @default "network"
   */
  readonly kind?: "network" | "interface";
  /** Smallest prefix length (largest block). @default 0 */
  readonly minPrefix?: number;
  /** Largest prefix length (smallest block). @default 32 or 128 */
  readonly maxPrefix?: number;
  /** The block must lie inside one of these ranges. @default anywhere */
  readonly within?: readonly string[];
  /** Who imposes the family, prefix and range limits, quoted in the message (for example "Hetzner Cloud networks"). */
  readonly target?: string;
}

const notation =
  "write the address in canonical form (IPv4 as four decimal parts without leading zeros, IPv6 lowercase and compressed as RFC 5952 writes it, no zone id) followed by /prefix";

/**
 * Checks a CIDR block against the canonical notation and the field's {@link CidrRules};
 * returns it unchanged. Every refusal says what would be accepted.
 */
export function checkCidr(fail: Fail, field: string, value: unknown, rules: CidrRules = {}): string {
  const cidr = parseCidr(value);
  const example = rules.family === "ipv6" ? "2001:db8::/64" : rules.kind === "interface" ? "10.0.0.10/24" : "10.0.0.0/24";
  if (!cidr) return fail(field, value, `use a CIDR block such as ${example}: ${notation}`);
  const target = rules.target ? `${rules.target} take` : "this field takes";
  if (rules.family && cidr.family !== rules.family) fail(field, value, `${target} ${rules.family === "ipv4" ? "IPv4" : "IPv6"} only, such as ${example}`);
  const kind = rules.kind ?? "network";
  if (kind === "network" && cidr.hostBits) {
    fail(field, value, `a network is given by its network address; host bits are set: did you mean ${cidr.network}/${cidr.prefix}? (for one host use /${bitsOf(cidr.family)})`);
  }
  if (kind === "interface") {
    const { first, last } = rangeOf(cidr);
    const n = toBigInt(cidr.address);
    const hostRange = bitsOf(cidr.family) - cidr.prefix >= 2;
    if (hostRange && (n === first || (cidr.family === "ipv4" && n === last))) {
      fail(field, value, `an interface address is a host of its network, not the network${cidr.family === "ipv4" ? " or broadcast" : ""} address, such as ${example}`);
    }
  }
  const min = rules.minPrefix ?? 0;
  const max = rules.maxPrefix ?? bitsOf(cidr.family);
  if (cidr.prefix < min || cidr.prefix > max) fail(field, value, `${target} prefixes from /${min} to /${max}`);
  if (rules.within && !rules.within.some((range) => cidrContains(range, `${cidr.network}/${cidr.prefix}`))) {
    fail(field, value, `${target} ranges inside ${rules.within.join(", ")} only`);
  }
  return value as string;
}

/** Checks a bare address in canonical notation, optionally of one family; returns it unchanged. */
export function checkIpAddress(fail: Fail, field: string, value: unknown, family?: IpFamily): string {
  const ip = parseIp(value);
  const example = family === "ipv6" ? "2001:db8::7" : "203.0.113.7";
  if (!ip) return fail(field, value, `use an IP address such as ${example}: IPv4 as four decimal parts without leading zeros, IPv6 as RFC 5952 writes it, no zone id`);
  if (family && ip.family !== family) fail(field, value, `use an ${family === "ipv4" ? "IPv4" : "IPv6"} address such as ${example}`);
  return value as string;
}

/**
 * Reads a source however it is spelled (non-canonical forms included: `0/0`, `0000::/0`,
 * host bits, zone ids), as a cloud or Proxmox might: deciding what is open to the world must
 * never miss a spelling. Input checks use the strict {@link parseCidr} instead.
 */
function anySpelling(source: unknown): Cidr | undefined {
  if (typeof source !== "string") return undefined;
  const strict = parseCidr(source);
  if (strict) return strict;
  try {
    const text = source.trim().replace(/%[^/]*/, "");
    const [address, prefix] = text.includes("/") ? ipaddr.parseCIDR(text) : [ipaddr.parse(text), text.includes(":") ? 128 : 32];
    const family = address.kind();
    const canonical = family === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString();
    return { address: canonical, prefix, family, network: networkAddress(canonical, prefix), hostBits: false };
  } catch {
    return undefined;
  }
}

/**
 * Which whole address spaces a list of sources covers together: `{ ipv4: true }` when the
 * union of its IPv4 blocks is all of 0.0.0.0/0, however it is split (`0.0.0.0/1` plus
 * `128.0.0.0/1`, or a thousand pieces), likewise for IPv6. Sources are read in any spelling
 * (see `anySpelling`); entries that are not addresses (group references, names) cover nothing.
 */
export function coveredAddressSpaces(sources: readonly unknown[]): { readonly ipv4: boolean; readonly ipv6: boolean } {
  const ranges: Record<IpFamily, Array<{ first: bigint; last: bigint }>> = { ipv4: [], ipv6: [] };
  for (const source of sources) {
    const cidr = anySpelling(source);
    if (cidr) ranges[cidr.family].push(rangeOf(cidr));
  }
  const covers = (family: IpFamily) => {
    const end = (1n << BigInt(bitsOf(family))) - 1n;
    let next = 0n;
    for (const r of ranges[family].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0))) {
      if (r.first > next) return false;
      if (r.last >= next) next = r.last + 1n;
      if (next > end) return true;
    }
    return false;
  };
  return { ipv4: covers("ipv4"), ipv6: covers("ipv6") };
}

/** True when the sources together cover all of IPv4 or all of IPv6: open to the whole internet. */
export function coversWholeInternet(sources: readonly unknown[]): boolean {
  const covered = coveredAddressSpaces(sources);
  return covered.ipv4 || covered.ipv6;
}

/** True for a CIDR that alone covers a whole address space: 0.0.0.0/0 or ::/0. */
export function isWorldCidr(cidr: string): boolean {
  return parseCidr(cidr)?.prefix === 0;
}
