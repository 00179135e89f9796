// Generators of bad input shared by the components' property tests: wrong types, numbers that
// are not whole, addresses that are not canonical, and secrets worth the name.
import fc from "fast-check";
import { parseCidr, parseIp } from "@hearth/core";

const nonFinite = fc.constantFrom(Number.NaN, Infinity, -Infinity, -0);

/** Anything but a string. */
export const notAString = fc.oneof(fc.double(), nonFinite, fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));

/** Anything but a list. */
export const notAList = fc.oneof(fc.string(), fc.double(), nonFinite, fc.boolean(), fc.constant(null), fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }));

/** Anything but a plain object. */
export const notAnObject = fc.oneof(fc.string(), fc.double(), nonFinite, fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }));

/** Numbers that are not whole (NaN, ±Infinity, -0, fractions), and non-numbers. */
export const notAWholeNumber = fc.oneof(
  nonFinite,
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isSafeInteger(n)),
  fc.integer().map(String),
  fc.constant(null),
);

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));

/** Strings that look like a CIDR block but are not canonical ones (or not one at all). */
export const nonCanonicalCidr = fc
  .oneof(
    fc.tuple(octet, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/${p}`), // 10/8 shorthand
    fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `0${a}/${p}`), // leading zero (octal)
    fc.tuple(ipv4, fc.integer({ min: 33, max: 999 })).map(([a, p]) => `${a}/${p}`), // prefix too long
    fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}/0${p}`), // leading zero prefix
    fc.tuple(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 })).map(([n, p]) => `${n}/${p}`), // integer form
    fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => `${a}%eth0/${p}`), // zone id
    fc.tuple(ipv4, fc.integer({ min: 0, max: 32 })).map(([a, p]) => ` ${a}/${p}`),
    fc.string(),
  )
  .filter((text) => parseCidr(text) === undefined);

/** Canonical CIDR blocks with host bits set: never silently turned into their network. */
export const cidrWithHostBits = fc
  .tuple(ipv4, fc.integer({ min: 1, max: 31 }))
  .map(([a, p]) => `${a}/${p}`)
  .filter((text) => parseCidr(text)?.hostBits === true);

/** Strings that are not canonical addresses. */
export const nonCanonicalIp = fc
  .oneof(
    ipv4.map((a) => `0${a}`),
    fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(String),
    ipv4.map((a) => `${a}%1`),
    fc.constantFrom("2001:DB8::1", "2001:0db8::1", "::ffff:10.0.0.1", "[::1]", "fe80::1%eth0"),
    fc.string(),
  )
  .filter((text) => parseIp(text) === undefined);

/**
 * Secrets worth the name: long enough that finding one in a message is no coincidence, and
 * made of characters no Hearth message uses around them, so a hit is a leak.
 */
export const secretText = fc.stringMatching(/^[A-Za-z0-9+/=!#%&*?@^~]{12,40}$/).filter((s) => /[0-9]/.test(s) && /[A-Z]/.test(s));

/** A copy of `args` with the value at a dotted path (`home.tunnelCidr`, `networks.0.ip`) replaced. */
export function withField<T>(args: T, path: string, value: unknown): T {
  const [head, ...rest] = path.split(".");
  const copy: any = Array.isArray(args) ? [...args] : { ...(args as object) };
  copy[head!] = rest.length === 0 ? value : withField(copy[head!], rest.join("."), value);
  return copy;
}

/** One field to break and how: the bad values to try. */
export type Breakage = readonly [path: string, bad: fc.Arbitrary<unknown>];

/** Pairs every breakage with its generated bad value: the inputs of a refusal property. */
export function brokenArgs<T>(valid: T, breakages: readonly Breakage[]): fc.Arbitrary<{ path: string; value: unknown; args: T }> {
  return fc.oneof(...breakages.map(([path, bad]) => bad.map((value) => ({ path, value, args: withField(valid, path, value) }))));
}

/**
 * For an optional field: the same bad values without `null` and `undefined`, which Pulumi reads
 * as "not set" (the default applies).
 */
export function optional(bad: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return bad.filter((v) => v !== null && v !== undefined);
}
