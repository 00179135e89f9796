// Property tests: generated bad input to GatewayCatalog is refused with a HearthValidationError
// before anything is registered (issue 12, class 2), and a secret given to any field checked
// when it resolves never appears in the error (class 9).
import { generateKeyPairSync } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { brokenArgs, nonCanonicalIp, notAList, notAString, notAWholeNumber, notAnObject, optional, secretText } from "../../../test/support/badInputs.js";
import { expectAllRefused, lateErrors } from "../../../test/support/refused.js";
import { gatewayEntry } from "./fixtures.test-support.js";
import { GatewayCatalog, type GatewayCatalogArgs } from "./gatewayCatalog.js";

const registered: string[] = [];
beforeAll(() =>
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(`${args.type}::${args.name}`);
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "hearth",
    "test",
    false,
  ),
);

const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const valid: GatewayCatalogArgs = {
  gateways: [gatewayEntry("ingress-fsn1")],
  signingKey: pulumi.secret(signingKey),
  keyId: "2026-11",
  issuedAt: "2026-11-23T00:00:00Z",
  validFor: "30d",
};
const runs = 100;

describe("GatewayCatalog refuses generated bad input and registers nothing", () => {
  it("for every plain field", async () => {
    const bad = brokenArgs(valid, [
      ["gateways", notAList],
      ["gateways.0", fc.oneof(notAnObject, fc.constant({ catalogEntry: 7, id: "x" }).map(() => ({ id: "x" })))],
      ["gateways.0.id", fc.oneof(fc.constantFrom("Ingress", "-x", ""), notAString)],
      ["gateways.0.addresses", notAnObject],
      ["gateways.0.addresses.ipv4", fc.oneof(nonCanonicalIp, fc.constant("2001:db8::1"), optional(notAString))],
      ["gateways.0.ports", notAList],
      ["gateways.0.ports.0.port", notAWholeNumber],
      ["keyId", fc.oneof(fc.constantFrom("", "has space", "-x"), notAString)],
      ["issuedAt", fc.oneof(fc.constantFrom("yesterday", "2026-02-30T00:00:00Z"), notAString)],
      ["validFor", fc.oneof(fc.constantFrom("forever", "0d", "400d"), notAString)],
      ["version", fc.oneof(notAWholeNumber, fc.integer({ max: -1 }))],
      ["outputPath", fc.oneof(fc.constant(""), optional(notAString).filter((v) => typeof v !== "string"))],
    ]);
    expect(await expectAllRefused(registered, bad, ({ args }) => new GatewayCatalog("doors", args), runs)).toBe(runs);
    expect(await expectAllRefused(registered, notAnObject, (args) => new GatewayCatalog("doors", args as never), 20)).toBe(20);
  });
});

describe("GatewayCatalog never echoes a secret", () => {
  it("in the error of any field checked when it resolves", async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(secretText, async (secret) => {
        const hidden = pulumi.secret(secret);
        const errors = await lateErrors(() => {
          new GatewayCatalog("sec-a", { ...valid, keyId: pulumi.secret(`${secret} x`) });
          new GatewayCatalog("sec-b", { ...valid, issuedAt: hidden });
          new GatewayCatalog("sec-c", { ...valid, validFor: hidden });
          new GatewayCatalog("sec-d", { ...valid, signingKey: hidden });
          new GatewayCatalog("sec-e", { ...valid, gateways: [{ ...gatewayEntry("ingress-fsn1"), region: hidden }] });
          new GatewayCatalog("sec-f", { ...valid, gateways: [{ ...gatewayEntry("ingress-fsn1"), addresses: { ipv4: hidden } }] });
        });
        cases += 6;
        const messages = errors.map((e) => e.message);
        for (const component of ["sec-a", "sec-b", "sec-c", "sec-d", "sec-e", "sec-f"]) expect(messages.some((m) => m.includes(`"${component}"`))).toBe(true);
        for (const message of messages) expect(message).not.toContain(secret);
      }),
      { numRuns: 20 },
    );
    expect(cases).toBe(120);
  }, 120_000);
});
