import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HearthValidationError, type GatewayEntry } from "@hearth/core";
import { parseTimestamp } from "./schema.js";
import { canonicalCatalog, catalogDocument, catalogPublicKey, maxValidForMs, parseValidFor, publishedGateways, serializeSignedCatalog, signCatalog } from "./sign.js";
import { gatewayEntry, wg } from "./fixtures.test-support.js";

const entry = gatewayEntry;

describe("parseValidFor", () => {
  it.each<[string, number | undefined]>([
    ["30d", 30 * 86_400_000],
    ["12h", 12 * 3_600_000],
    ["90m", 90 * 60_000],
    ["2w", 14 * 86_400_000],
    ["366d", maxValidForMs],
    ["367d", undefined],
    ["53w", undefined],
    ["0d", undefined],
    ["01d", undefined],
    ["30", undefined],
    ["30 d", undefined],
    ["1.5d", undefined],
    ["30s", undefined],
    ["", undefined],
  ])("%j -> %j", (text, ms) => expect(parseValidFor(text)).toBe(ms));
});

describe("parseTimestamp", () => {
  it.each<[string, string | undefined]>([
    ["2026-11-23T00:00:00Z", "2026-11-23T00:00:00.000Z"],
    ["2026-11-23T00:00Z", "2026-11-23T00:00:00.000Z"],
    ["2026-11-23T01:30:00+01:30", "2026-11-23T00:00:00.000Z"],
    ["2026-11-22T19:00:00.5-05:00", "2026-11-23T00:00:00.500Z"],
    ["2028-02-29T00:00:00Z", "2028-02-29T00:00:00.000Z"],
    ["2026-02-29T00:00:00Z", undefined],
    ["2026-13-01T00:00:00Z", undefined],
    ["2026-11-23T24:00:00Z", undefined],
    ["2026-11-23T00:00:00", undefined],
    ["2026-11-23", undefined],
    ["Mon, 23 Nov 2026 00:00:00 GMT", undefined],
  ])("%j", (text, iso) => {
    const ms = parseTimestamp(text);
    expect(ms === undefined ? undefined : new Date(ms).toISOString()).toBe(iso);
  });
});

describe("catalogDocument", () => {
  const input = { gateways: [entry("ingress-fsn1", { ports: [{ protocol: "udp", port: 51820 }, { protocol: "tcp", port: 443 }, { protocol: "tcp", port: 80 }] }), entry("egress-ams3", { role: "egress", region: "ams3", provider: "digitalocean" }), entry("ingress-old", { state: "draining" })], keyId: "k1", issuedAt: "2026-11-23T01:00:00+01:00", validFor: "12h" };

  it("publishes active gateways sorted by id with sorted ports and the times normalized", () => {
    expect(catalogDocument(input)).toEqual({
      schema: "hearth-catalog/v1",
      version: Date.parse("2026-11-23T00:00:00Z") / 1000,
      keyId: "k1",
      issuedAt: "2026-11-23T00:00:00.000Z",
      expiresAt: "2026-11-23T12:00:00.000Z",
      gateways: [
        { ...entry("egress-ams3", { role: "egress", region: "ams3", provider: "digitalocean" }) },
        { ...entry("ingress-fsn1"), ports: [{ protocol: "tcp", port: 80 }, { protocol: "tcp", port: 443 }, { protocol: "udp", port: 51820 }] },
      ],
    });
  });

  it("publishes only the known fields of an entry", () => {
    const withExtras = { ...entry("ingress-fsn1"), labels: { secret: "x" }, addresses: { ipv4: "203.0.113.10", privateIpv4: "10.0.0.2" } } as unknown as GatewayEntry;
    const text = canonicalCatalog({ ...input, gateways: [withExtras] });
    expect(text).not.toContain("labels");
    expect(text).not.toContain("10.0.0.2");
  });

  it("takes an explicit version, including 0", () => {
    expect(catalogDocument({ ...input, version: 0 }).version).toBe(0);
  });

  it("raises HearthValidationErrors through the given fail function", () => {
    expect(() => catalogDocument({ ...input, validFor: "forever" })).toThrow(HearthValidationError);
    expect(() => catalogDocument({ ...input, issuedAt: "1969-12-31T23:59:59Z" })).toThrow(/issuedAt "1969-12-31T23:59:59Z"/);
    expect(() => publishedGateways([entry("a"), entry("b"), entry("a")])).toThrow(/gateways\[2\]\.id "a" is not valid; each gateway id appears once; gateways\[0\] has it too/);
  });

  it("is canonical: the same input in any order gives the same text", () => {
    expect(canonicalCatalog({ ...input, gateways: [...input.gateways].reverse() })).toBe(canonicalCatalog(input));
  });
});

describe("signCatalog", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

  it("signs the document's UTF-8 bytes with Ed25519, deterministically", () => {
    const signed = signCatalog('{"a":"é"}', pem, "k1");
    expect(verify(null, Buffer.from('{"a":"é"}', "utf8"), publicKey, Buffer.from(signed.signature, "base64"))).toBe(true);
    expect(signCatalog('{"a":"é"}', privateKey, "k1")).toEqual(signed);
    expect(serializeSignedCatalog(signed)).toBe(`{"document":${JSON.stringify('{"a":"é"}')},"keyId":"k1","signature":"${signed.signature}"}`);
  });

  it("derives the public key clients trust", () => {
    expect(catalogPublicKey(pem)).toBe(publicKey.export({ type: "spki", format: "pem" }).toString());
  });

  it("refuses a key that is not an Ed25519 private key without showing it", () => {
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    for (const key of [ec, "garbage", publicKey.export({ type: "spki", format: "pem" }).toString()]) {
      expect(() => signCatalog("{}", key, "k1")).toThrow(/signingKey "\[secret\]" is not valid/);
    }
    expect(() => signCatalog("{}", pem, "bad id")).toThrow(/keyId "bad id"/);
  });
});
