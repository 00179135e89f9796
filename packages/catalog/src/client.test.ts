import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { canonicalize, catalogClockSkewMs, maxSignedCatalogBytes, rankFrontDoors, selectFrontDoor, verifyCatalog, type CatalogGateway } from "./client.js";
import { canonicalCatalog, serializeSignedCatalog, signCatalog } from "./sign.js";
import { gatewayEntry, wg } from "./fixtures.test-support.js";

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
};
const current = pair();
const next = pair();

const entry = gatewayEntry;
const fleet = [entry("ingress-fsn1"), entry("ingress-ams3", { provider: "digitalocean", region: "ams3" }), entry("egress-fsn1", { role: "egress", ports: [] })];

const issuedAt = "2026-11-23T00:00:00.000Z";
const issuedMs = Date.parse(issuedAt);
const expiresMs = issuedMs + 30 * 86_400_000;
const now = issuedMs + 86_400_000;

const documentFor = (keyId: string, gateways = fleet) => canonicalCatalog({ gateways, keyId, issuedAt, validFor: "30d" });
const signedWith = (keyId: string, key = current.privateKey, document = documentFor(keyId)) => signCatalog(document, key, keyId);
const trusted = { "2026-11": current.publicPem };

const codeOf = (result: ReturnType<typeof verifyCatalog>) => (result.ok ? "ok" : result.error.code);

describe("verifyCatalog", () => {
  it("accepts a catalog as an envelope object or as its JSON text", () => {
    const signed = signedWith("2026-11");
    for (const input of [signed, serializeSignedCatalog(signed)]) {
      const result = verifyCatalog(input, trusted, now);
      expect(result.ok).toBe(true);
      if (result.ok) {
        expect(result.catalog.gateways.map((g) => g.id)).toEqual(["egress-fsn1", "ingress-ams3", "ingress-fsn1"]);
        expect(result.catalog).toEqual(JSON.parse(signed.document));
      }
    }
  });

  it("accepts trusted keys as a Map, as KeyObjects, and the time as a Date", () => {
    const signed = signedWith("2026-11");
    expect(codeOf(verifyCatalog(signed, new Map([["2026-11", current.publicPem]]), now))).toBe("ok");
    expect(codeOf(verifyCatalog(signed, { "2026-11": generateKeyPairSync("ed25519").publicKey }, now))).toBe("bad-signature");
    expect(codeOf(verifyCatalog(signed, trusted, new Date(now)))).toBe("ok");
  });

  it("refuses an untrusted key id, including names an object inherits", () => {
    const result = verifyCatalog(signedWith("2026-12", next.privateKey), trusted, now);
    expect(result).toEqual({ ok: false, error: { code: "unknown-key", message: 'keyId "2026-12" is not among the trusted keys' } });
    expect(codeOf(verifyCatalog(signedWith("constructor"), {}, now))).toBe("unknown-key");
    expect(codeOf(verifyCatalog(signedWith("toString"), trusted, now))).toBe("unknown-key");
  });

  it("refuses a trusted key that is not an Ed25519 public key as unknown-key", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    for (const key of [rsa, "not a pem", current.privateKey]) {
      const result = verifyCatalog(signedWith("2026-11"), { "2026-11": key }, now);
      expect(codeOf(result)).toBe("unknown-key");
      if (!result.ok) expect(result.error.message).toContain("is not an Ed25519 public key");
    }
  });

  it("refuses a signature from another key under a trusted id", () => {
    expect(codeOf(verifyCatalog(signedWith("2026-11", next.privateKey), trusted, now))).toBe("bad-signature");
  });

  it("refuses a document changed after signing", () => {
    const signed = signedWith("2026-11");
    const changed = { ...signed, document: signed.document.replace("203.0.113.10", "203.0.113.66") };
    expect(codeOf(verifyCatalog(changed, trusted, now))).toBe("bad-signature");
  });

  it("applies 5 minutes of clock skew to issuedAt and none to expiresAt", () => {
    const signed = signedWith("2026-11");
    expect(catalogClockSkewMs).toBe(300_000);
    expect(codeOf(verifyCatalog(signed, trusted, issuedMs - catalogClockSkewMs))).toBe("ok");
    expect(codeOf(verifyCatalog(signed, trusted, issuedMs - catalogClockSkewMs - 1))).toBe("not-yet-valid");
    expect(codeOf(verifyCatalog(signed, trusted, expiresMs - 1))).toBe("ok");
    const expired = verifyCatalog(signed, trusted, expiresMs);
    expect(codeOf(expired)).toBe("expired");
    if (!expired.ok) expect(expired.error.message).toContain("expired at 2026-12-23T00:00:00.000Z");
  });

  it("checks the signature before the dates, so an expired forgery is a bad signature", () => {
    const forged = signedWith("2026-11", next.privateKey);
    expect(codeOf(verifyCatalog(forged, trusted, expiresMs + 1))).toBe("bad-signature");
  });

  const good = signedWith("2026-11");
  const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  it.each<[string, unknown]>([
    ["not JSON", "{nope"],
    ["a JSON array", "[]"],
    ["null", null],
    ["a number", 42],
    ["a missing signature", { document: good.document, keyId: good.keyId }],
    ["an extra field", { ...good, note: "hi" }],
    ["a document that is an object", { ...good, document: JSON.parse(good.document) as unknown }],
    ["a non-base64 signature", { ...good, signature: "!".repeat(88) }],
    ["a short signature", { ...good, signature: Buffer.alloc(32).toString("base64") }],
    // Same bytes once decoded (the last character's low 4 bits are padding), but not the one canonical text.
    ["a signature with non-zero padding bits", { ...good, signature: `${good.signature.slice(0, 85)}${base64Alphabet[base64Alphabet.indexOf(good.signature[85]!) | 1]}==` }],
    ["a bad key id", { ...good, keyId: "key id" }],
    ["an oversized envelope", "x".repeat(maxSignedCatalogBytes + 1)],
  ])("refuses an envelope with %s as malformed", (_what, input) => {
    const result = verifyCatalog(input, trusted, now);
    expect(codeOf(result)).toBe("malformed");
  });

  /** Signs (with a trusted key) a changed copy of a good document, in canonical form. */
  const resign = (mutate: (doc: Record<string, unknown>) => unknown, keyId = "2026-11") =>
    signCatalog(canonicalize(mutate(JSON.parse(documentFor(keyId)) as Record<string, unknown>)), current.privateKey, keyId);

  it.each<[string, (doc: Record<string, unknown>) => unknown, RegExp]>([
    ["a wrong schema tag", (d) => ({ ...d, schema: "hearth-catalog/v2" }), /document\.schema "hearth-catalog\/v2"/],
    ["a missing version", ({ version: _v, ...d }) => d, /document\.version \(missing\)/],
    ["an extra field", (d) => ({ ...d, zextra: 1 }), /document\.zextra/],
    ["a non-canonical issuedAt", (d) => ({ ...d, issuedAt: "2026-11-23T00:00:00Z" }), /document\.issuedAt/],
    ["expiresAt before issuedAt", (d) => ({ ...d, expiresAt: "2026-11-22T00:00:00.000Z" }), /expiresAt comes after issuedAt/],
    ["unsorted gateways", (d) => ({ ...d, gateways: [...(d.gateways as unknown[])].reverse() }), /gateways are sorted by id/],
    ["a gateway with state", (d) => ({ ...d, gateways: (d.gateways as object[]).map((g) => ({ ...g, state: "active" })) }), /document\.gateways\[0\]\.state/],
    ["a gateway with a bad port", (d) => ({ ...d, gateways: (d.gateways as object[]).map((g) => ({ ...g, ports: [{ protocol: "tcp", port: 0 }] })) }), /ports\[0\]\.port 0/],
    ["a keyId that differs from the envelope", (d) => ({ ...d, keyId: "2026-10" }), /the document names keyId "2026-10"/],
    ["a JSON array", () => [], /document \[\] is not valid/],
  ])("refuses a signed document with %s as malformed", (_what, mutate, message) => {
    const result = verifyCatalog(resign(mutate), trusted, now);
    expect(codeOf(result)).toBe("malformed");
    if (!result.ok) expect(result.error.message).toMatch(message);
  });

  it("refuses a signed document that is not canonical JSON, or not JSON", () => {
    const spaced = signCatalog(JSON.stringify(JSON.parse(documentFor("2026-11")), null, 2), current.privateKey, "2026-11");
    const spacedResult = verifyCatalog(spaced, trusted, now);
    expect(codeOf(spacedResult)).toBe("malformed");
    if (!spacedResult.ok) expect(spacedResult.error.message).toContain("canonical");
    expect(codeOf(verifyCatalog(signCatalog("{not json", current.privateKey, "2026-11"), trusted, now))).toBe("malformed");
    // Duplicate keys would let two parsers read two different catalogs: not canonical, refused.
    const duplicated = documentFor("2026-11").replace('{"expiresAt":', '{"version":1,"expiresAt":');
    expect(codeOf(verifyCatalog(signCatalog(duplicated, current.privateKey, "2026-11"), trusted, now))).toBe("malformed");
  });

  it("throws only for a bad `now`", () => {
    expect(() => verifyCatalog(signedWith("2026-11"), trusted, Number.NaN)).toThrow(TypeError);
    expect(() => verifyCatalog(signedWith("2026-11"), trusted, new Date("nope"))).toThrow(TypeError);
  });
});

describe("key rotation", () => {
  it("verifies catalogs signed with the old or the new key for clients that trust both", () => {
    const both = { "2026-11": current.publicPem, "2027-02": next.publicPem };
    expect(codeOf(verifyCatalog(signedWith("2026-11", current.privateKey), both, now))).toBe("ok");
    expect(codeOf(verifyCatalog(signedWith("2027-02", next.privateKey), both, now))).toBe("ok");
    // A client that has not yet learnt the new key refuses it, by name.
    expect(codeOf(verifyCatalog(signedWith("2027-02", next.privateKey), trusted, now))).toBe("unknown-key");
    // After the old key is retired, old catalogs are refused.
    expect(codeOf(verifyCatalog(signedWith("2026-11", current.privateKey), { "2027-02": next.publicPem }, now))).toBe("unknown-key");
    // The new key cannot stand in for the old id.
    expect(codeOf(verifyCatalog(signedWith("2026-11", next.privateKey), both, now))).toBe("bad-signature");
  });
});

const gw = (id: string, over: Partial<CatalogGateway> = {}): CatalogGateway => gatewayEntry(id, over);
const catalog = {
  gateways: [gw("ingress-ams3", { region: "ams3" }), gw("ingress-fsn1"), gw("ingress-nbg1", { region: "nbg1" }), gw("egress-fsn1", { role: "egress" }), gw("ingress-fsn2")],
};
const ids = (gateways: readonly CatalogGateway[]) => gateways.map((g) => g.id);

describe("selectFrontDoor", () => {
  it("ranks the region first, then by id, and leaves out other roles and failed gateways", () => {
    expect(ids(rankFrontDoors(catalog, { role: "ingress" }))).toEqual(["ingress-ams3", "ingress-fsn1", "ingress-fsn2", "ingress-nbg1"]);
    expect(ids(rankFrontDoors(catalog, { role: "ingress", region: "fsn1" }))).toEqual(["ingress-fsn1", "ingress-fsn2", "ingress-ams3", "ingress-nbg1"]);
    expect(ids(rankFrontDoors(catalog, { role: "ingress", region: "fsn1", failed: ["ingress-fsn1"] }))).toEqual(["ingress-fsn2", "ingress-ams3", "ingress-nbg1"]);
    expect(ids(rankFrontDoors(catalog, { role: "egress" }))).toEqual(["egress-fsn1"]);
  });

  it("picks the best-ranked gateway", () => {
    expect(selectFrontDoor(catalog, { role: "ingress", region: "nbg1" })?.id).toBe("ingress-nbg1");
    expect(selectFrontDoor(catalog, { role: "ingress", region: "sin1" })?.id).toBe("ingress-ams3");
    expect(selectFrontDoor(catalog, { role: "ingress", failed: new Set(["ingress-ams3"]) })?.id).toBe("ingress-fsn1");
  });

  it("keeps the previous choice while it is valid, so clients do not flap", () => {
    expect(selectFrontDoor(catalog, { role: "ingress", region: "fsn1", previous: "ingress-nbg1" })?.id).toBe("ingress-nbg1");
    expect(selectFrontDoor(catalog, { role: "ingress", region: "fsn1", previous: { id: "ingress-nbg1" } })?.id).toBe("ingress-nbg1");
    // ...and moves on when it failed, left the catalog (drained) or has another role.
    expect(selectFrontDoor(catalog, { role: "ingress", region: "fsn1", previous: "ingress-nbg1", failed: ["ingress-nbg1"] })?.id).toBe("ingress-fsn1");
    expect(selectFrontDoor(catalog, { role: "ingress", region: "fsn1", previous: "ingress-hel1" })?.id).toBe("ingress-fsn1");
    expect(selectFrontDoor(catalog, { role: "ingress", region: "fsn1", previous: "egress-fsn1" })?.id).toBe("ingress-fsn1");
  });

  it("returns the catalog's current entry for the previous id", () => {
    const previous = gw("ingress-nbg1", { region: "nbg1", addresses: { ipv4: "198.51.100.1" } });
    expect(selectFrontDoor(catalog, { role: "ingress", previous })?.addresses.ipv4).toBe("203.0.113.10");
  });

  it("returns undefined when nothing is left", () => {
    expect(selectFrontDoor(catalog, { role: "egress", failed: ["egress-fsn1"] })).toBeUndefined();
    expect(selectFrontDoor({ gateways: [] }, { role: "ingress" })).toBeUndefined();
  });
});

describe("the client entry point", () => {
  it("loads no Pulumi at run time; from @hearth/core only its Pulumi-free gateway vocabulary, address parser and number rule", () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(new URL(file, import.meta.url), "utf8");
      for (const match of source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
        const [, , typeOnly, target] = match;
        if (typeOnly) continue;
        expect(target, `${file} imports ${target}`).not.toMatch(/^@pulumi\/|^@hearth\/(?!core\/(gateway|address|numbers)$)/);
        if (target!.startsWith("./")) visit(target!.replace(/\.js$/, ".ts"));
      }
    };
    visit("./client.ts");
    expect([...seen].sort()).toEqual(["./canonical.ts", "./client.ts", "./schema.ts", "./strictJson.ts"]);
    const vocabulary = readFileSync(new URL("../../core/src/gateway.ts", import.meta.url), "utf8");
    expect(vocabulary).not.toMatch(/^\s*(import|export)\s[^;]*\sfrom\s/m);
    // The address parser and the number rule import only ipaddr.js (and types).
    for (const file of ["address.ts", "numbers.ts"]) {
      const source = readFileSync(new URL(`../../core/src/${file}`, import.meta.url), "utf8");
      for (const [, typeOnly, target] of source.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)"/gms)) {
        if (!typeOnly) expect(target, `core/src/${file} imports ${target}`).toBe("ipaddr.js");
      }
    }
  });
});
