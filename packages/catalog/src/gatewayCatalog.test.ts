import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { HearthValidationError, type GatewayEntry } from "@hearth/core";
import { GatewayCatalog, type GatewayCatalogArgs } from "./gatewayCatalog.js";
import { verifyCatalog } from "./client.js";
import { gatewayEntry, wg } from "./fixtures.test-support.js";

interface Recorded {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  custom: boolean;
}
const recorded: Recorded[] = [];

async function useMocks(preview: boolean): Promise<void> {
  // Preview (isDryRun) behaviour is tested in gatewayCatalog.preview.test.ts: switching mocks
  // mid-file would forget resources still registering their outputs.
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        recorded.push({ type: args.type, name: args.name, inputs: args.inputs, custom: args.custom ?? false });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "hearth",
    "test",
    preview,
  );
}

/**
 * A value that fails validation only when it resolves also fails the component's
 * registerOutputs, which Pulumi reports as an unhandled rejection (in a real run, that fails
 * the deployment with our message). Tests name such catalogs "late-..."; only their
 * HearthValidationErrors are tolerated, every other rejection still fails the run.
 */
function tolerateLateValidationErrors(): void {
  const isExpected = (reason: unknown) =>
    reason instanceof HearthValidationError && /^GatewayCatalog "late-/.test(reason.component);
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", (reason, promise) => {
    if (isExpected(reason)) return;
    for (const listener of previous) listener(reason, promise);
  });
}

beforeAll(async () => {
  tolerateLateValidationErrors();
  await useMocks(false);
});

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
/** Resolves or rejects with the Output's failure (an apply that threw). */
const settle = <T>(o: pulumi.Output<T>) => (o as unknown as { promise(): Promise<T> }).promise();

const keys = generateKeyPairSync("ed25519");
const signingKey = keys.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const publicKeyPem = keys.publicKey.export({ type: "spki", format: "pem" }).toString();

const entry = (id: string, over: Partial<GatewayEntry> = {}): GatewayEntry => gatewayEntry(id, { wireguardPublicKey: wg(id.length), ...over });

const args = (over: Partial<GatewayCatalogArgs> = {}): GatewayCatalogArgs => ({
  gateways: [
    entry("ingress-fsn1"),
    { catalogEntry: pulumi.output(entry("ingress-ams3", { provider: "digitalocean", region: "ams3", addresses: { ipv4: "198.51.100.4", ipv6: "2001:db8::4" } })) },
    entry("egress-fsn1", { role: "egress", ports: [] }),
    entry("ingress-nbg1", { region: "nbg1", state: "draining" }),
  ],
  signingKey: pulumi.secret(signingKey),
  keyId: "2026-11",
  issuedAt: "2026-11-23T00:00:00Z",
  validFor: "30d",
  ...over,
});

const now = Date.parse("2026-11-24T00:00:00Z");

describe("GatewayCatalog", () => {
  it("registers under its type token and keeps the signing key out of its inputs", async () => {
    const catalog = new GatewayCatalog("doors-token", args());
    await value(catalog.signed);
    const me = recorded.find((r) => r.name === "doors-token");
    expect(me?.type).toBe("hearth:catalog:GatewayCatalog");
    expect(me?.custom).toBe(false);
    expect(JSON.stringify(me?.inputs ?? {})).not.toContain("PRIVATE KEY");
    // No child resources: the catalog is computed, not provisioned.
    expect(recorded.filter((r) => r.name.startsWith("doors-token-"))).toEqual([]);
  });

  it("publishes only active gateways, sorted by id, in canonical JSON", async () => {
    const catalog = new GatewayCatalog("doors", args());
    const document = await value(catalog.document);
    const parsed = JSON.parse(document) as { gateways: { id: string }[]; issuedAt: string; expiresAt: string; version: number; keyId: string; schema: string };
    expect(parsed.gateways.map((g) => g.id)).toEqual(["egress-fsn1", "ingress-ams3", "ingress-fsn1"]);
    expect(parsed).toMatchObject({
      schema: "hearth-catalog/v1",
      keyId: "2026-11",
      issuedAt: "2026-11-23T00:00:00.000Z",
      expiresAt: "2026-12-23T00:00:00.000Z",
      version: Date.parse("2026-11-23T00:00:00Z") / 1000,
    });
    expect(document).not.toMatch(/\s/);
    expect(document.startsWith('{"expiresAt":')).toBe(true);
    expect(document).not.toContain("draining");
    expect(document).not.toContain('"state"');
    expect(await value(catalog.expiresAt)).toBe("2026-12-23T00:00:00.000Z");
  });

  it("takes an explicit version", async () => {
    const catalog = new GatewayCatalog("doors-v", args({ version: pulumi.output(42) }));
    expect(await value(catalog.version)).toBe(42);
    expect(JSON.parse(await value(catalog.document)).version).toBe(42);
  });

  it("signs so that a client trusting the derived public key accepts it", async () => {
    const catalog = new GatewayCatalog("doors-verify", args());
    const [signed, publicKey, signature, document] = await Promise.all([value(catalog.signed), value(catalog.publicKey), value(catalog.signature), value(catalog.document)]);
    expect(publicKey).toBe(publicKeyPem);
    expect(JSON.parse(signed)).toEqual({ document, keyId: "2026-11", signature });
    const result = verifyCatalog(signed, { "2026-11": publicKey }, now);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.catalog.gateways).toHaveLength(3);
  });

  it("is deterministic: the same fleet in another order gives the same document and signature", async () => {
    const a = new GatewayCatalog("doors-a", args());
    const b = new GatewayCatalog("doors-b", args({ gateways: [...args().gateways].reverse() }));
    expect(await value(b.document)).toBe(await value(a.document));
    expect(await value(b.signature)).toBe(await value(a.signature));
    expect(await value(b.signed)).toBe(await value(a.signed));
  });

  it("keeps the signing key secret and publishes the catalog in the clear", async () => {
    const catalog = new GatewayCatalog("doors-secret", args());
    const outputs: pulumi.Output<unknown>[] = [catalog.document, catalog.signature, catalog.signed, catalog.publicKey, catalog.keyId, catalog.version, catalog.expiresAt, catalog.issuedAt];
    for (const output of outputs) {
      expect(await pulumi.isSecret(output)).toBe(false);
    }
    const everything = JSON.stringify(await Promise.all([value(catalog.document), value(catalog.signed), value(catalog.publicKey), value(catalog.signature)]));
    expect(everything).not.toContain("PRIVATE KEY");
    expect(everything).not.toContain(signingKey.split("\n")[1]);
  });

  it("keeps a plain signing key secret too", async () => {
    const catalog = new GatewayCatalog("doors-plain-key", args({ signingKey }));
    expect(await pulumi.isSecret(catalog.signature)).toBe(false);
    expect(await value(catalog.publicKey)).toBe(publicKeyPem);
  });

  it("writes the signed envelope to outputPath on up, only when it changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-catalog-"));
    const path = join(dir, "nested", "catalog.json");
    const catalog = new GatewayCatalog("doors-file", args({ outputPath: path }));
    expect(await value(catalog.outputPath)).toBe(path);
    expect(readFileSync(path, "utf8")).toBe(`${await value(catalog.signed)}\n`);
    const before = statSync(path).mtimeMs;
    await new Promise((r) => setTimeout(r, 20));
    await value(new GatewayCatalog("doors-file-again", args({ outputPath: path })).outputPath);
    expect(statSync(path).mtimeMs).toBe(before);
  });

  it("takes entries whose fields are Outputs, and entries that are Outputs", async () => {
    const server = { ipv4Address: pulumi.output("203.0.113.99") };
    const catalog = new GatewayCatalog("doors-outputs", {
      ...args(),
      gateways: [
        { ...entry("ingress-hel1", { region: "hel1" }), addresses: { ipv4: server.ipv4Address }, ports: pulumi.output([{ protocol: "tcp" as const, port: 443 }]) },
        pulumi.output(entry("ingress-fsn1")),
      ],
    });
    const parsed = JSON.parse(await value(catalog.document)) as { gateways: { id: string; addresses: { ipv4: string } }[] };
    expect(parsed.gateways.map((g) => [g.id, g.addresses.ipv4])).toEqual([
      ["ingress-fsn1", "203.0.113.10"],
      ["ingress-hel1", "203.0.113.99"],
    ]);
  });

  it("publishes a secret gateway entry in the clear, with only its public fields", async () => {
    const withExtra = { ...entry("ingress-fsn1"), wireguardPrivateKey: "must-not-appear" } as GatewayEntry;
    const catalog = new GatewayCatalog("doors-secret-entry", args({ gateways: [{ catalogEntry: pulumi.secret(withExtra) }] }));
    expect(await pulumi.isSecret(catalog.document)).toBe(false);
    expect(await value(catalog.document)).not.toContain("must-not-appear");
  });

  it("leaves outputPath undefined without a file", async () => {
    expect(await value(new GatewayCatalog("doors-nofile", args()).outputPath)).toBeUndefined();
  });
});

describe("GatewayCatalog validation", () => {
  const bad = (over: Partial<GatewayCatalogArgs>) => () => new GatewayCatalog("bad", args(over));

  it.each([
    ["keyId", { keyId: "2026 11" }, /keyId "2026 11" is not valid; use 1-64 letters/],
    ["keyId", { keyId: "" }, /keyId "" is not valid/],
    ["issuedAt", { issuedAt: "yesterday" }, /issuedAt "yesterday" is not valid; use an ISO 8601 timestamp/],
    ["issuedAt", { issuedAt: "2026-02-30T00:00:00Z" }, /issuedAt "2026-02-30T00:00:00Z"/],
    ["issuedAt", { issuedAt: "2026-11-23T00:00:00" }, /issuedAt .* with a zone/],
    ["validFor", { validFor: "30 days" }, /validFor "30 days" is not valid; use a whole number and one unit/],
    ["validFor", { validFor: "0d" }, /validFor "0d"/],
    ["validFor", { validFor: "400d" }, /validFor "400d".*366d/],
    ["version", { version: 1.5 }, /version 1.5 is not valid; use a whole number/],
    ["outputPath", { outputPath: " " }, /outputPath " " is not valid/],
  ])("refuses a bad %s", (_field, over, message) => {
    expect(bad(over as Partial<GatewayCatalogArgs>)).toThrow(HearthValidationError);
    expect(bad(over as Partial<GatewayCatalogArgs>)).toThrow(message);
    expect(bad(over as Partial<GatewayCatalogArgs>)).toThrow(/^GatewayCatalog "bad": /);
  });

  it("refuses a bad signing key without echoing it", () => {
    const notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVlLXRoYXQtbXVzdC1ub3QtbGVhaw==\n-----END PRIVATE KEY-----\n";
    let error: unknown;
    try {
      new GatewayCatalog("bad", args({ signingKey: notAKey }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).toContain('signingKey "[secret]" is not valid; use an Ed25519 private key');
    expect(text).not.toContain("c2VjcmV0");
    expect(text).not.toContain("BEGIN");
  });

  it("refuses a non-Ed25519 signing key, also when it arrives as a secret Output", async () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    expect(() => new GatewayCatalog("bad", args({ signingKey: rsa }))).toThrow(/signingKey "\[secret\]"/);
    const catalog = new GatewayCatalog("late-key", args({ signingKey: pulumi.secret(rsa) }));
    const error = await settle(catalog.signature).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HearthValidationError);
    expect((error as Error).message).toContain('signingKey "[secret]"');
    expect((error as Error).message).not.toContain("BEGIN");
    await settle(catalog.publicKey).catch(() => undefined);
  });

  it("refuses duplicate gateway ids, even when one is draining", () => {
    const gateways = [entry("ingress-fsn1"), entry("ingress-fsn1", { state: "draining" })];
    expect(bad({ gateways })).toThrow(/gateways\[1\]\.id "ingress-fsn1" is not valid; each gateway id appears once; gateways\[0\] has it too/);
  });

  it.each([
    ["id", { id: "Ingress_1" }, /gateways\[0\]\.id "Ingress_1"/],
    ["role", { role: "proxy" }, /gateways\[0\]\.role "proxy" is not valid; use one of "ingress", "egress"/],
    ["provider", { provider: "aws" }, /gateways\[0\]\.provider "aws"/],
    ["region", { region: "" }, /gateways\[0\]\.region ""/],
    ["ipv4", { addresses: { ipv4: "300.1.1.1" } }, /gateways\[0\]\.addresses\.ipv4 "300.1.1.1"/],
    ["ipv6", { addresses: { ipv6: "203.0.113.1" } }, /gateways\[0\]\.addresses\.ipv6 "203.0.113.1"/],
    ["addresses", { addresses: {} }, /needs an ipv4 or ipv6 address/],
    ["port", { ports: [{ protocol: "tcp", port: 70000 }] }, /gateways\[0\]\.ports\[0\]\.port 70000/],
    ["protocol", { ports: [{ protocol: "icmp", port: 1 }] }, /gateways\[0\]\.ports\[0\]\.protocol "icmp"/],
    ["duplicate port", { ports: [{ protocol: "tcp", port: 443 }, { protocol: "tcp", port: 443 }] }, /list each protocol\/port once/],
    ["wireguard key", { wireguardPublicKey: "not-a-key" }, /wireguardPublicKey "not-a-key"/],
    ["state", { state: "gone" }, /gateways\[0\]\.state "gone"/],
  ])("refuses an entry with a bad %s", (_what, over, message) => {
    const gateways = [entry("ingress-fsn1", over as Partial<GatewayEntry>)];
    expect(bad({ gateways })).toThrow(HearthValidationError);
    expect(bad({ gateways })).toThrow(message);
  });

  it("checks plain entries now even when other entries are Outputs", () => {
    const gateways = [{ catalogEntry: pulumi.output(entry("ingress-ams3")) }, entry("ingress-fsn1", { role: "proxy" as GatewayEntry["role"] })];
    expect(bad({ gateways })).toThrow(/gateways\[1\]\.role "proxy"/);
  });

  it("refuses a bad entry that arrives as an Output when it resolves", async () => {
    const catalog = new GatewayCatalog("late-entry", args({ gateways: [{ catalogEntry: pulumi.output(entry("ingress-fsn1", { region: "Frankfurt 1" })) }] }));
    const error = await settle(catalog.document).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(HearthValidationError);
    expect((error as Error).message).toContain('GatewayCatalog "late-entry": gateways[0].region "Frankfurt 1"');
    await Promise.all([catalog.signature, catalog.signed, catalog.version, catalog.expiresAt, catalog.issuedAt].map((o) => settle(o as pulumi.Output<unknown>).catch(() => undefined)));
  });

  it("refuses a bad issuedAt that arrives as an Output when it resolves", async () => {
    const catalog = new GatewayCatalog("late-issued", args({ issuedAt: pulumi.output("soon") }));
    const error = await settle(catalog.document).then(() => undefined, (e: unknown) => e);
    expect((error as Error).message).toContain('GatewayCatalog "late-issued": issuedAt "soon" is not valid');
    await Promise.all([catalog.signature, catalog.signed, catalog.version, catalog.expiresAt, catalog.issuedAt].map((o) => settle(o as pulumi.Output<unknown>).catch(() => undefined)));
  });

  it("refuses gateways that are not a list", () => {
    expect(bad({ gateways: "ingress-fsn1" as unknown as [] })).toThrow(/gateways "ingress-fsn1" is not valid; use a list/);
  });
});
