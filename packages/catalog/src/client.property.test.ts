import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import type { GatewayEntry } from "@hearth/core";
import { canonicalize } from "./canonical.js";
import { catalogClockSkewMs, CatalogUsageError, rankFrontDoors, selectFrontDoor, verifyCatalog, type CatalogGateway } from "./client.js";
import { canonicalCatalog, serializeSignedCatalog, signCatalog } from "./sign.js";

// Modest run counts keep the suite fast; each run signs and verifies at most a few times.
const runs = { numRuns: 200 };

const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const keyId = "2026-11";
const trusted = { [keyId]: publicKey.export({ type: "spki", format: "pem" }).toString() };

// Catalog addresses are canonical (core's address parser): IPv6 as RFC 5952 writes it.
const canonicalIpV6 = fc.ipV6().map((a) => ipaddr.IPv6.parse(a).toRFC5952String());
const idArb = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const regionArb = fc.constantFrom("fsn1", "nbg1", "hel1", "ams3", "nyc1");
const roleArb = fc.constantFrom("ingress" as const, "egress" as const);
const portArb = fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const), port: fc.integer({ min: 1, max: 65535 }) });

const entryArb = (id: fc.Arbitrary<string>): fc.Arbitrary<GatewayEntry> =>
  fc.record({
    id,
    role: roleArb,
    provider: fc.constantFrom("hcloud" as const, "digitalocean" as const),
    region: regionArb,
    addresses: fc.oneof(
      fc.record({ ipv4: fc.ipV4() }),
      fc.record({ ipv6: canonicalIpV6 }),
      fc.record({ ipv4: fc.ipV4(), ipv6: canonicalIpV6 }),
    ),
    ports: fc.uniqueArray(portArb, { maxLength: 4, selector: (p) => `${p.protocol}/${p.port}` }),
    wireguardPublicKey: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString("base64")),
    state: fc.constantFrom("active" as const, "draining" as const),
  });

const fleetArb = fc.uniqueArray(entryArb(idArb), { maxLength: 6, selector: (e) => e.id });

// issuedAt from 2020 to 2040, on whole seconds; validFor from 1 hour to 60 days.
const issuedArb = fc.integer({ min: 1_577_836_800, max: 2_208_988_800 }).map((s) => s * 1000);
const validHoursArb = fc.integer({ min: 1, max: 60 * 24 });

const catalogArb = fc.record({ gateways: fleetArb, issuedMs: issuedArb, validHours: validHoursArb });

function signedCatalog({ gateways, issuedMs, validHours }: { gateways: GatewayEntry[]; issuedMs: number; validHours: number }, kid = keyId) {
  const document = canonicalCatalog({ gateways, keyId: kid, issuedAt: new Date(issuedMs).toISOString(), validFor: `${validHours}h` });
  return { signed: signCatalog(document, privateKey, kid), issuedMs, expiresMs: issuedMs + validHours * 3_600_000 };
}

const codeOf = (result: ReturnType<typeof verifyCatalog>) => (result.ok ? "ok" : result.error.code);

describe("verifyCatalog properties", () => {
  it("accepts every honestly signed catalog inside its validity window", () => {
    fc.assert(
      fc.property(catalogArb, fc.double({ min: 0, max: 1, noNaN: true }), (input, at) => {
        const { signed, issuedMs, expiresMs } = signedCatalog(input);
        const now = Math.floor(issuedMs - catalogClockSkewMs + at * (expiresMs - 1 - (issuedMs - catalogClockSkewMs)));
        const result = verifyCatalog(serializeSignedCatalog(signed), trusted, now);
        expect(codeOf(result)).toBe("ok");
        if (result.ok) expect(canonicalize(result.catalog)).toBe(signed.document);
      }),
      runs,
    );
  });

  it("refuses any change to any byte of the document as bad-signature", () => {
    fc.assert(
      fc.property(catalogArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (input, position, mask) => {
        const { signed, issuedMs } = signedCatalog(input);
        const bytes = Buffer.from(signed.document, "utf8");
        const index = position % bytes.length;
        bytes[index] = bytes[index]! ^ mask;
        const tampered = { ...signed, document: new TextDecoder().decode(bytes) };
        expect(tampered.document).not.toBe(signed.document);
        expect(codeOf(verifyCatalog(tampered, trusted, issuedMs))).toBe("bad-signature");
      }),
      runs,
    );
  });

  it("refuses any change to any byte of the signature as bad-signature", () => {
    fc.assert(
      fc.property(catalogArb, fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 255 }), (input, index, mask) => {
        const { signed, issuedMs } = signedCatalog(input);
        const bytes = Buffer.from(signed.signature, "base64");
        bytes[index] = bytes[index]! ^ mask;
        const tampered = { ...signed, signature: bytes.toString("base64") };
        expect(codeOf(verifyCatalog(tampered, trusted, issuedMs))).toBe("bad-signature");
      }),
      runs,
    );
  });

  it("refuses any change to any character of the envelope text", () => {
    fc.assert(
      fc.property(catalogArb, fc.nat(), fc.integer({ min: 32, max: 126 }), (input, position, code) => {
        const { signed, issuedMs } = signedCatalog(input);
        const text = serializeSignedCatalog(signed);
        const index = position % text.length;
        fc.pre(text.charCodeAt(index) !== code);
        const tampered = text.slice(0, index) + String.fromCharCode(code) + text.slice(index + 1);
        const result = verifyCatalog(tampered, trusted, issuedMs);
        expect(result.ok).toBe(false);
        expect(["malformed", "unknown-key", "bad-signature"]).toContain(codeOf(result));
      }),
      runs,
    );
  });

  it("refuses expired catalogs as expired", () => {
    fc.assert(
      fc.property(catalogArb, fc.integer({ min: 0, max: 10 * 365 * 86_400_000 }), (input, late) => {
        const { signed, expiresMs } = signedCatalog(input);
        expect(codeOf(verifyCatalog(signed, trusted, expiresMs + late))).toBe("expired");
      }),
      runs,
    );
  });

  it("refuses catalogs issued more than the clock skew ahead as not-yet-valid", () => {
    fc.assert(
      fc.property(catalogArb, fc.integer({ min: 1, max: 10 * 365 * 86_400_000 }), (input, early) => {
        const { signed, issuedMs } = signedCatalog(input);
        expect(codeOf(verifyCatalog(signed, trusted, issuedMs - catalogClockSkewMs - early))).toBe("not-yet-valid");
      }),
      runs,
    );
  });

  it("refuses catalogs signed under a key id the client does not trust as unknown-key", () => {
    const otherId = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/).filter((id) => id !== keyId);
    fc.assert(
      fc.property(catalogArb, otherId, (input, kid) => {
        const { signed, issuedMs } = signedCatalog(input, kid);
        expect(codeOf(verifyCatalog(signed, trusted, issuedMs))).toBe("unknown-key");
      }),
      runs,
    );
  });

  it("refuses arbitrary input as malformed", () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.string(), fc.json()), (input) => {
        expect(codeOf(verifyCatalog(input, trusted, 0))).toBe("malformed");
      }),
      runs,
    );
  });

  it("refuses arbitrary JSON signed with a trusted key as malformed", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const signed = signCatalog(JSON.stringify(value) ?? "null", privateKey, keyId);
        expect(codeOf(verifyCatalog(signed, trusted, 0))).toBe("malformed");
      }),
      runs,
    );
  });

  it("refuses a signed document with a field removed or added as malformed", () => {
    fc.assert(
      fc.property(catalogArb, fc.nat(), fc.string({ minLength: 1, maxLength: 8 }), fc.boolean(), (input, pick, extra, remove) => {
        const { signed, issuedMs } = signedCatalog(input);
        const doc = JSON.parse(signed.document) as Record<string, unknown>;
        const keys = Object.keys(doc);
        if (remove) delete doc[keys[pick % keys.length]!];
        else {
          fc.pre(!keys.includes(extra));
          doc[extra] = pick;
        }
        const resigned = signCatalog(canonicalize(doc), privateKey, keyId);
        expect(codeOf(verifyCatalog(resigned, trusted, issuedMs))).toBe("malformed");
      }),
      runs,
    );
  });
});

describe("selectFrontDoor properties", () => {
  const publishedArb = fc
    .uniqueArray(entryArb(fc.constantFrom("a-1", "a-2", "b-1", "b-2", "c-1", "d-1", "e-1", "f-1")), { maxLength: 8, selector: (e) => e.id })
    .map((entries) => entries.map(({ state: _state, ...published }): CatalogGateway => published));
  const ids = ["a-1", "a-2", "b-1", "b-2", "c-1", "d-1", "e-1", "f-1", "zz-9"];
  const optionsArb = fc.record(
    {
      role: roleArb,
      region: regionArb,
      failed: fc.subarray(ids),
      previous: fc.constantFrom(...ids),
    },
    { requiredKeys: ["role"] },
  );
  const scenarioArb = fc.tuple(publishedArb, optionsArb).chain(([gateways, options]) => fc.tuple(fc.constant(gateways), fc.shuffledSubarray(gateways, { minLength: gateways.length }), fc.constant(options)));

  it("is deterministic and independent of the catalog's order", () => {
    fc.assert(
      fc.property(scenarioArb, ([gateways, shuffled, options]) => {
        const chosen = selectFrontDoor({ gateways }, options);
        expect(selectFrontDoor({ gateways }, options)).toEqual(chosen);
        expect(selectFrontDoor({ gateways: shuffled }, options)).toEqual(chosen);
        expect(rankFrontDoors({ gateways: shuffled }, options)).toEqual(rankFrontDoors({ gateways }, options));
      }),
      runs,
    );
  });

  it("never returns a failed gateway or one of another role, and finds one whenever one is usable", () => {
    fc.assert(
      fc.property(scenarioArb, ([gateways, , options]) => {
        const chosen = selectFrontDoor({ gateways }, options);
        const usable = gateways.filter((g) => g.role === options.role && !(options.failed ?? []).includes(g.id));
        if (usable.length === 0) expect(chosen).toBeUndefined();
        else {
          expect(chosen).toBeDefined();
          expect(options.failed ?? []).not.toContain(chosen!.id);
          expect(chosen!.role).toBe(options.role);
          expect(gateways).toContainEqual(chosen);
        }
      }),
      runs,
    );
  });

  it("keeps the previous choice whenever it is still usable, and otherwise prefers the region", () => {
    fc.assert(
      fc.property(scenarioArb, ([gateways, , options]) => {
        const chosen = selectFrontDoor({ gateways }, options);
        const failed = options.failed ?? [];
        const previous = gateways.find((g) => g.id === options.previous && g.role === options.role && !failed.includes(g.id));
        if (previous) expect(chosen?.id).toBe(previous.id);
        else if (options.region !== undefined && gateways.some((g) => g.role === options.role && g.region === options.region && !failed.includes(g.id))) {
          expect(chosen?.region).toBe(options.region);
        }
      }),
      runs,
    );
  });
});

describe("verifyCatalog reads the envelope once", () => {
  const fieldArb = fc.constantFrom("document", "keyId", "signature");

  it("refuses an envelope with a duplicate key as malformed, whichever copy is the signed one", () => {
    fc.assert(
      fc.property(catalogArb, fieldArb, fc.boolean(), fc.boolean(), (input, field, signedFirst, escape) => {
        const { signed, issuedMs } = signedCatalog(input);
        const other = { document: `${signed.document} `, keyId: "other", signature: signed.signature.replace(/^./, (c) => (c === "A" ? "B" : "A")) }[field];
        const good = JSON.stringify(signed[field]);
        const bad = JSON.stringify(other);
        const name = escape ? `"\\u00${field.charCodeAt(0).toString(16)}${field.slice(1)}"` : JSON.stringify(field);
        const members = (["document", "keyId", "signature"] as const).filter((k) => k !== field).map((k) => `"${k}":${JSON.stringify(signed[k])}`);
        const text = `{${[...members, `${JSON.stringify(field)}:${signedFirst ? good : bad}`, `${name}:${signedFirst ? bad : good}`].join(",")}}`;
        const result = verifyCatalog(text, trusted, issuedMs);
        expect(codeOf(result)).toBe("malformed");
        if (!result.ok) expect(result.error.message).toMatch(/twice/);
      }),
      runs,
    );
  });

  it("reads each field of an envelope object once, so a getter cannot show the parser another document", () => {
    fc.assert(
      fc.property(catalogArb, fc.string({ minLength: 1, maxLength: 20 }), (input, junk) => {
        const { signed, issuedMs } = signedCatalog(input);
        let reads = 0;
        const envelope = {
          keyId: signed.keyId,
          signature: signed.signature,
          get document() {
            reads++;
            return reads === 1 ? signed.document : signed.document.replace('"gateways":[', `"gateways":[${JSON.stringify(junk)},`);
          },
        };
        const result = verifyCatalog(envelope, trusted, issuedMs);
        expect(reads).toBe(1);
        expect(codeOf(result)).toBe("ok");
        if (result.ok) expect(canonicalize(result.catalog)).toBe(signed.document);
      }),
      runs,
    );
  });

  it("accepts the envelope as UTF-8 bytes and refuses bytes that are not UTF-8", () => {
    fc.assert(
      fc.property(catalogArb, fc.constantFrom(0x80, 0xc0, 0xff, 0xfe), fc.nat(), (input, byte, at) => {
        const { signed, issuedMs } = signedCatalog(input);
        const bytes = Buffer.from(serializeSignedCatalog(signed), "utf8");
        expect(codeOf(verifyCatalog(bytes, trusted, issuedMs))).toBe("ok");
        expect(codeOf(verifyCatalog(new Uint8Array(bytes), trusted, issuedMs))).toBe("ok");
        const broken = Buffer.from(bytes);
        broken[at % broken.length] = byte;
        expect(codeOf(verifyCatalog(broken, trusted, issuedMs))).toBe("malformed");
      }),
      runs,
    );
  });

  it("refuses a document with a lone surrogate even when its signature covers the replacement character", () => {
    fc.assert(
      fc.property(catalogArb, fc.integer({ min: 0xd800, max: 0xdfff }), (input, unit) => {
        const { signed, issuedMs } = signedCatalog(input);
        const lone = signed.document.replace('"gateways":[', `"gateways":["${String.fromCharCode(unit)}",`);
        // What Buffer.from(lone) would have produced, signed honestly.
        const resigned = signCatalog(Buffer.from(lone, "utf8").toString("utf8"), privateKey, keyId);
        const result = verifyCatalog({ ...resigned, document: lone }, trusted, issuedMs);
        expect(codeOf(result)).toBe("malformed");
        if (!result.ok) expect(result.error.message).toMatch(/surrogate/);
      }),
      runs,
    );
  });
});

describe("client options are checked at run time", () => {
  const gateways = [
    { ...gatewayArbFixed("a") },
    { ...gatewayArbFixed("b") },
  ];
  function gatewayArbFixed(id: string): CatalogGateway {
    return { id, role: "ingress", provider: "hcloud", region: "fsn1", addresses: { ipv4: "203.0.113.1" }, ports: [], wireguardPublicKey: Buffer.alloc(32, 1).toString("base64") };
  }

  it("refuses a `failed` that is not a list of strings instead of iterating it", () => {
    const notAList = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.dictionary(fc.string(), fc.string()),
      fc.array(fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string())), { minLength: 1 }),
      fc.tuple(fc.string(), fc.integer()).map(([s, n]) => [s, n]),
    );
    fc.assert(
      fc.property(notAList, (failed) => {
        for (const call of [
          () => selectFrontDoor({ gateways }, { role: "ingress", failed } as never),
          () => rankFrontDoors({ gateways }, { role: "ingress", failed } as never),
        ]) {
          expect(call).toThrow(CatalogUsageError);
          expect(call).toThrow(/options\.failed/);
        }
      }),
      runs,
    );
    // The string "ab" is not the list ["a", "b"]: before, both gateways were skipped.
    expect(() => selectFrontDoor({ gateways }, { role: "ingress", failed: "ab" as never })).toThrow(CatalogUsageError);
    expect(selectFrontDoor({ gateways }, { role: "ingress", failed: new Set(["a"]) })?.id).toBe("b");
  });

  it("refuses a wrong role, region or previous, and a catalog without a gateway list", () => {
    fc.assert(
      fc.property(fc.anything().filter((v) => v !== "ingress" && v !== "egress"), (bad) => {
        expect(() => selectFrontDoor({ gateways }, { role: bad } as never)).toThrow(/options\.role/);
        if (bad !== undefined && typeof bad !== "string") expect(() => selectFrontDoor({ gateways }, { role: "ingress", region: bad } as never)).toThrow(/options\.region/);
        const isIdRecord = typeof bad === "object" && bad !== null && typeof (bad as { id?: unknown }).id === "string";
        if (bad !== undefined && typeof bad !== "string" && !isIdRecord) {
          expect(() => selectFrontDoor({ gateways }, { role: "ingress", previous: bad } as never)).toThrow(/options\.previous/);
        }
        if (!Array.isArray((bad as { gateways?: unknown } | null)?.gateways)) expect(() => selectFrontDoor(bad as never, { role: "ingress" })).toThrow(/catalog/);
      }),
      runs,
    );
  });

  it("refuses trusted keys and times of the wrong type with a CatalogUsageError (a TypeError)", () => {
    const envelope = serializeSignedCatalog(signedCatalog({ gateways: [], issuedMs: 1_800_000_000_000, validHours: 1 }).signed);
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.string()), fc.dictionary(fc.string(), fc.oneof(fc.integer(), fc.constant(null)), { minKeys: 1 })), (keys) => {
        const call = () => verifyCatalog(envelope, keys as never, 1_800_000_000_000);
        expect(call).toThrow(CatalogUsageError);
        expect(call).toThrow(TypeError);
      }),
      runs,
    );
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constant(Number.NaN), fc.constant(Infinity), fc.constant(null), fc.constant(new Date("x"))), (now) => {
        expect(() => verifyCatalog(envelope, trusted, now as never)).toThrow(CatalogUsageError);
      }),
      runs,
    );
  });
});
