import ipaddr from "ipaddr.js";
import type { Fail } from "./errors.js";

/** A parsed CIDR block. */
export interface Cidr {
  readonly address: string;
  readonly prefix: number;
  readonly family: "ipv4" | "ipv6";
}

/** Parses `10.0.0.0/24` or `2001:db8::/32`; returns undefined when it is not a CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  if (typeof text !== "string" || !text.includes("/")) return undefined;
  try {
    const [addr, prefix] = ipaddr.parseCIDR(text);
    return { address: addr.toString(), prefix, family: addr.kind() };
  } catch {
    return undefined;
  }
}

/** True when `text` is an IPv4 or IPv6 CIDR block. */
export function isCidr(text: string): boolean {
  return parseCidr(text) !== undefined;
}

/** True when `text` is a bare IPv4 or IPv6 address. */
export function isIpAddress(text: string): boolean {
  return typeof text === "string" && ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || text.includes(":"));
}

/** Checks a CIDR and returns it; `fail`s with a helpful message otherwise. */
export function checkCidr(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || parseCidr(value) === undefined) {
    fail(field, value, "use a CIDR block such as 10.0.0.0/24, 203.0.113.7/32 or 2001:db8::/64");
  }
  return value as string;
}

/** Checks a bare IP address. */
export function checkIpAddress(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || !isIpAddress(value)) {
    fail(field, value, "use an IP address such as 10.0.0.1");
  }
  return value as string;
}

/** True when `address` lies inside `cidr` (same family). */
export function cidrContains(cidr: string, address: string): boolean {
  const [range, prefix] = ipaddr.parseCIDR(cidr);
  const addr = ipaddr.parse(address);
  if (addr.kind() !== range.kind()) return false;
  return addr.match(range, prefix);
}

/** True for a CIDR that covers the whole address space: 0.0.0.0/0 or ::/0. */
export function isWorldCidr(cidr: string): boolean {
  const parsed = parseCidr(cidr);
  return parsed !== undefined && parsed.prefix === 0;
}

/** The network address of a CIDR with host bits cleared, for example 10.0.0.5/24 -> 10.0.0.0/24. */
export function networkOf(cidr: string): string {
  const [range, prefix] = ipaddr.parseCIDR(cidr);
  const bytes = range.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    const index = Math.floor(bit / 8);
    bytes[index] = (bytes[index] ?? 0) & ~(0x80 >> bit % 8);
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

/** Checks a VLAN tag (802.1Q): 1..4094. */
export function checkVlanTag(fail: Fail, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 4094) {
    fail(field, value, "a VLAN tag is a whole number from 1 to 4094");
  }
  return value as number;
}
