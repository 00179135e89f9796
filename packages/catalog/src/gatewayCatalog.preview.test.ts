import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { GatewayCatalog } from "./gatewayCatalog.js";
import { gatewayEntry, wg } from "./fixtures.test-support.js";

// Its own file (own process) so the mocks can run as a preview: pulumi.runtime.isDryRun() is true.
beforeAll(() =>
  pulumi.runtime.setMocks({ newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs }, "hearth", "test", true),
);

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

describe("GatewayCatalog during preview", () => {
  it("computes the signed catalog but does not write outputPath", async () => {
    expect(pulumi.runtime.isDryRun()).toBe(true);
    const path = join(mkdtempSync(join(tmpdir(), "hearth-catalog-")), "catalog.json");
    const catalog = new GatewayCatalog("doors-preview", {
      gateways: [gatewayEntry("ingress-fsn1", { wireguardPublicKey: wg(7) })],
      signingKey: pulumi.secret(generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
      keyId: "2026-11",
      issuedAt: "2026-11-23T00:00:00Z",
      validFor: "30d",
      outputPath: path,
    });
    expect(await value(catalog.signed)).toContain('"keyId":"2026-11"');
    expect(await value(catalog.outputPath)).toBe(path);
    expect(() => statSync(path)).toThrow();
  });
});
