import { createHash } from "node:crypto";
import { checkCidr, checkIpAddress, cidrContains, parseCidr, type Fail } from "@hearth/core";

function toInt(address: string): number {
  return address.split(".").reduce((n, octet) => n * 256 + Number(octet), 0);
}

function toAddress(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");
}

/**
 * Checks the tunnel range: an IPv4 network from /16 to /30 (the tunnel carries IPv4), given by
 * its network address; returned unchanged (a range with host bits set is refused, not rewritten).
 */
export function checkTunnelCidr(fail: Fail, field: string, value: unknown): string {
  return checkCidr(fail, field, value, { family: "ipv4", minPrefix: 16, maxPrefix: 30, target: "WireGuard tunnels here" });
}

/** The first host of a range: home's end of the tunnel unless `home.address` says otherwise. */
export function firstHost(cidr: string): string {
  return toAddress(toInt(parseCidr(cidr)!.address) + 1);
}

/**
 * A gateway's default tunnel address: a host picked from the range by a hash of the gateway
 * id, never the network, broadcast or first (home) address. Stable for a given id; two ids can
 * collide in a small range, so fleets should set `tunnelAddress` explicitly.
 */
export function defaultTunnelAddress(cidr: string, gatewayId: string): string {
  const parsed = parseCidr(cidr)!;
  const size = 2 ** (32 - parsed.prefix);
  const choices = size - 3; // not network, first host, broadcast
  const hash = createHash("sha256").update(gatewayId).digest().readUInt32BE(0);
  return toAddress(toInt(parsed.address) + 2 + (hash % choices));
}

/** Checks that an address is a usable host inside the tunnel range and not home's address. */
export function checkTunnelHost(fail: Fail, field: string, value: unknown, cidr: string, homeAddress?: string): string {
  checkIpAddress(fail, field, value, "ipv4");
  const parsed = parseCidr(cidr)!;
  const n = toInt(value as string);
  const base = toInt(parsed.address);
  const last = base + 2 ** (32 - parsed.prefix) - 1;
  if (!cidrContains(cidr, value as string) || n === base || n === last) {
    fail(field, value, `use a host address inside the tunnel range ${cidr} (not its network or broadcast address)`);
  }
  if (homeAddress !== undefined && value === homeAddress) fail(field, value, `${homeAddress} is home's end of the tunnel; pick another host`);
  return value as string;
}
