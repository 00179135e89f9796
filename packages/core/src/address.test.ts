import ipaddr from "ipaddr.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkCidr,
  checkIpAddress,
  cidrContains,
  coveredAddressSpaces,
  coversWholeInternet,
  isCidr,
  isIpAddress,
  isWorldCidr,
  networkOf,
  parseCidr,
  parseIp,
  rfc1918Ranges,
} from "./address.js";
import { HearthValidationError, failFor } from "./errors.js";

const fail = failFor("Network", "lab");
const runs = { numRuns: 500 };

const v4Bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
const v6Bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 });
const canonicalV4 = v4Bytes.map((b) => b.join("."));
const canonicalV6 = v6Bytes.map((b) => ipaddr.fromByteArray(b).toString()).map((t) => ipaddr.IPv6.parse(t).toRFC5952String());
const v4Number = (text: string) => text.split(".").reduce((n, p) => n * 256 + Number(p), 0);

describe("parseIp: canonical notation only", () => {
  it("accepts every canonical IPv4 and IPv6 address as it is", () => {
    fc.assert(
      fc.property(fc.oneof(canonicalV4, canonicalV6), (text) => {
        expect(parseIp(text)?.address).toBe(text);
        expect(isIpAddress(text)).toBe(true);
      }),
      runs,
    );
  });

  it("refuses IPv4 with a leading zero, in integer, hex or shorthand form", () => {
    const variants = v4Bytes.chain((b) =>
      fc.constantFrom(
        b.map((x, i) => (i === 0 ? `0${x}` : String(x))).join("."), // leading zero: octal to inet_aton
        String(b.reduce((n, x) => n * 256 + x, 0)), // one integer
        `0x${b[0]!.toString(16)}.${b.slice(1).join(".")}`, // hex part
        `${b[0]}.${b[1]! * 65536 + b[2]! * 256 + b[3]!}`, // a.b shorthand
        `${b.join(".")}%eth0`, // zone id
        ` ${b.join(".")}`,
      ),
    );
    fc.assert(
      fc.property(variants, (text) => {
        expect(parseIp(text)).toBeUndefined();
        expect(() => checkIpAddress(fail, "address", text)).toThrow(HearthValidationError);
      }),
      runs,
    );
  });

  it("refuses IPv6 that is not written as RFC 5952 writes it, and zone ids", () => {
    const variants = v6Bytes.chain((b) => {
      const address = ipaddr.fromByteArray(b) as ipaddr.IPv6;
      return fc.constantFrom(
        address.toNormalizedString().replace(/(^|:)0(?=:|$)/, "$10000"), // a zero group spelled out with leading zeros
        address.toRFC5952String().toUpperCase().replace(/^([0-9A-F:]*)$/, (t) => (/[A-F]/.test(t) ? t : `${t}%1`)),
        `${address.toRFC5952String()}%eth0`,
        `[${address.toRFC5952String()}]`,
        address.toNormalizedString().split(":").map((g) => g.padStart(4, "0")).join(":"),
      );
    });
    fc.assert(
      fc.property(variants, (text) => {
        fc.pre(text !== ipaddr.IPv6.parse(text.replace(/^\[|\]$|%.*$/g, "")).toRFC5952String());
        expect(parseIp(text)).toBeUndefined();
      }),
      runs,
    );
  });
});

describe("parseCidr and checkCidr", () => {
  it("accepts a network given by its network address, and refuses host bits with the network it meant", () => {
    fc.assert(
      fc.property(canonicalV4, fc.integer({ min: 0, max: 32 }), (address, prefix) => {
        const text = `${address}/${prefix}`;
        const parsed = parseCidr(text)!;
        const network = `${parsed.network}/${prefix}`;
        const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
        expect(v4Number(parsed.network)).toBe((v4Number(address) & mask) >>> 0);
        if (parsed.hostBits) {
          expect(() => checkCidr(fail, "cidr", text)).toThrow(`did you mean ${network}?`);
          const broadcast = prefix <= 30 && ((v4Number(address) | ~mask) >>> 0) === v4Number(address);
          if (broadcast) expect(() => checkCidr(fail, "cidr", text, { kind: "interface" })).toThrow(/broadcast/);
          else expect(checkCidr(fail, "cidr", text, { kind: "interface" })).toBe(text);
        } else {
          expect(checkCidr(fail, "cidr", text)).toBe(text);
        }
        expect(checkCidr(fail, "cidr", network)).toBe(network);
        expect(networkOf(text)).toBe(network);
      }),
      runs,
    );
  });

  it("refuses the 10/8 shorthand, leading zeros in the prefix and out-of-range prefixes", () => {
    fc.assert(
      fc.property(canonicalV4, fc.integer({ min: 0, max: 200 }), (address, prefix) => {
        for (const text of [`${address.split(".")[0]}/${prefix}`, `${address}/0${prefix}`, `${address}/${prefix + 33}`, `${address}/${prefix}/${prefix}`, `${address}/+${prefix}`]) {
          expect(isCidr(text)).toBe(false);
          expect(() => checkCidr(fail, "cidr", text)).toThrow(/canonical form/);
        }
      }),
      runs,
    );
  });

  it("applies family, prefix and range rules", () => {
    expect(() => checkCidr(fail, "cidr", "2001:db8::/64", { family: "ipv4", target: "Hetzner Cloud networks" })).toThrow("Hetzner Cloud networks take IPv4 only");
    expect(() => checkCidr(fail, "cidr", "10.0.0.0/29", { maxPrefix: 24 })).toThrow("prefixes from /0 to /24");
    expect(() => checkCidr(fail, "cidr", "100.64.0.0/16", { within: rfc1918Ranges })).toThrow("inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 only");
    expect(checkCidr(fail, "cidr", "172.16.0.0/12", { within: rfc1918Ranges })).toBe("172.16.0.0/12");
    expect(() => checkCidr(fail, "cidr", "172.0.0.0/8", { within: rfc1918Ranges })).toThrow(HearthValidationError);
    expect(() => checkCidr(fail, "nic", "10.0.0.0/24", { kind: "interface" })).toThrow(/not the network or broadcast/);
    expect(() => checkCidr(fail, "nic", "10.0.0.255/24", { kind: "interface" })).toThrow(/not the network or broadcast/);
    expect(checkCidr(fail, "nic", "10.0.0.1/31", { kind: "interface" })).toBe("10.0.0.1/31");
  });

  it("tells membership exactly (inner blocks wholly inside outer ones)", () => {
    fc.assert(
      fc.property(canonicalV4, fc.integer({ min: 0, max: 32 }), canonicalV4, fc.integer({ min: 0, max: 32 }), (a, pa, b, pb) => {
        const outer = `${a}/${pa}`;
        const inner = `${b}/${pb}`;
        const mask = (p: number) => (p === 0 ? 0 : (~0 << (32 - p)) >>> 0);
        const expected = pb >= pa && ((v4Number(a) & mask(pa)) >>> 0) === ((v4Number(b) & mask(pa)) >>> 0);
        expect(cidrContains(outer, inner)).toBe(expected);
      }),
      runs,
    );
    expect(cidrContains("10.20.0.0/24", "::1")).toBe(false);
    expect(isWorldCidr("0.0.0.0/0") && isWorldCidr("::/0") && !isWorldCidr("10.0.0.0/8")).toBe(true);
  });
});

describe("coveredAddressSpaces: the whole internet however it is split", () => {
  /** Splits a block into `depth` levels of random halves, keeping every piece. */
  const split = (family: "ipv4" | "ipv6") =>
    fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }).map((choices) => {
      const bits = family === "ipv4" ? 32 : 128;
      let pieces: Array<{ first: bigint; prefix: number }> = [{ first: 0n, prefix: 0 }];
      for (const choice of choices) {
        const index = pieces.findIndex((p) => p.prefix < bits);
        const piece = pieces.splice(choice ? index : pieces.length - 1 >= 0 ? Math.max(0, index) : 0, 1)[0]!;
        const half = 1n << BigInt(bits - piece.prefix - 1);
        pieces.push({ first: piece.first, prefix: piece.prefix + 1 }, { first: piece.first + half, prefix: piece.prefix + 1 });
      }
      return pieces.map((p) => {
        const bytes: number[] = [];
        let v = p.first;
        for (let i = 0; i < bits / 8; i++) {
          bytes.unshift(Number(v & 0xffn));
          v >>= 8n;
        }
        const address = ipaddr.fromByteArray(bytes);
        return `${address.kind() === "ipv6" ? (address as ipaddr.IPv6).toRFC5952String() : address.toString()}/${p.prefix}`;
      });
    });

  it("a split of all of IPv4 or IPv6 covers it; without any one piece it does not", () => {
    fc.assert(
      fc.property(fc.constantFrom("ipv4" as const, "ipv6" as const).chain((family) => fc.tuple(fc.constant(family), split(family), fc.nat())), ([family, pieces, drop]) => {
        const shuffled = [...pieces].reverse();
        expect(coveredAddressSpaces(shuffled)[family]).toBe(true);
        expect(coversWholeInternet(shuffled)).toBe(true);
        const without = shuffled.filter((_, i) => i !== drop % shuffled.length);
        expect(coveredAddressSpaces(without)[family]).toBe(false);
      }),
      runs,
    );
  });

  it("overlapping and repeated pieces still count, other entries count for nothing", () => {
    expect(coversWholeInternet(["0.0.0.0/1", "128.0.0.0/1"])).toBe(true);
    expect(coversWholeInternet(["0.0.0.0/1", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2", "0.0.0.0/2"])).toBe(true);
    expect(coversWholeInternet(["::/1", "8000::/1", { group: "admins" }])).toBe(true);
    expect(coversWholeInternet(["0.0.0.0/1", "::/1", "c000::/2"])).toBe(false);
    expect(coversWholeInternet([{ group: "world" }, "admins"])).toBe(false);
  });
});
