// Property tests: generated bad input to GatewayNode is refused with a HearthValidationError
// before anything is registered (issue 12, class 2), world-open admin access is refused however
// it is spelled (class 4), and a secret given to any field checked when it resolves never
// appears in the error (class 9).
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adminPorts } from "@hearth/core";
import { created } from "../../../test/support/cloudMocks.js";
import { brokenArgs, cidrWithHostBits, nonCanonicalCidr, notAList, notAString, notAWholeNumber, notAnObject, optional, secretText } from "../../../test/support/badInputs.js";
import { expectAllRefused, lateErrors } from "../../../test/support/refused.js";
import { GatewayNode, type GatewayNodeArgs } from "./gatewayNode.js";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "./wireguard.js";

const seed = "dGVzdCBzZWVkIG9ubHkgLSBub3QgYSByZWFsIHNlY3JldCEh";
const home = { wireguardPublicKey: wireguardPublicKey(deriveWireguardPrivateKey(seed, "home")), tunnelCidr: "10.99.0.0/24", networks: ["192.168.1.0/24"] };
const valid: GatewayNodeArgs = {
  role: "ingress",
  cloud: "hcloud",
  region: "fsn1",
  ports: [{ protocol: "tcp", port: 443 }],
  home,
  adminCidrs: ["198.51.100.0/24"],
  tunnelAddress: "10.99.0.11",
  wireguardSeed: pulumi.secret(seed),
};
const runs = 100;

/** 0.0.0.0/0 or ::/0 split into 2^n pieces. */
const worldSplit = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((bits) => Array.from({ length: 2 ** bits }, (_, i) => `${(i << (8 - bits)) & 255}.0.0.0/${bits}`)),
  fc.integer({ min: 0, max: 4 }).map((bits) => Array.from({ length: 2 ** bits }, (_, i) => (i === 0 ? `::/${bits}` : `${((i << (16 - bits)) & 0xffff).toString(16)}::/${bits}`))),
);

describe("GatewayNode refuses generated bad input and registers nothing", () => {
  it("for every plain field", async () => {
    const bad = brokenArgs(valid, [
      ["role", fc.oneof(fc.string(), notAString)],
      ["cloud", fc.oneof(fc.string(), notAString)],
      ["region", fc.oneof(fc.constantFrom("ams3", "eu-central", ""), notAString)],
      ["ports", notAList],
      ["ports.0", notAnObject],
      ["ports.0.port", notAWholeNumber],
      ["adminCidrs", fc.oneof(notAList, nonCanonicalCidr.map((c) => [c]), cidrWithHostBits.map((c) => [c]), worldSplit)],
      ["home", notAnObject],
      ["home.tunnelCidr", fc.oneof(nonCanonicalCidr, cidrWithHostBits, fc.constantFrom("fd00::/64", "10.0.0.0/8"), notAString)],
      ["home.networks", fc.oneof(optional(notAList), nonCanonicalCidr.map((c) => [c]), fc.constant(["fd00::/64"]))],
      ["tunnelAddress", fc.oneof(fc.constantFrom("10.99.0.0", "10.99.0.255", "10.98.0.3", "010.99.0.3"), optional(notAString))],
      ["wireguardPort", fc.oneof(notAWholeNumber.filter((v) => v !== null), fc.constantFrom(22, 3389, 5900, 8006))],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/gateway": "other" }))],
      ["sshKeys", optional(notAList)],
      // Any admin port as a gateway port, on either protocol: open to the world by definition.
      ["ports.0", fc.constantFrom(...adminPorts).chain((p) => fc.record({ protocol: fc.constantFrom("tcp" as const, "udp" as const), port: fc.integer({ min: p.from, max: p.to }) }))],
    ]);
    expect(await expectAllRefused(created, bad, ({ args }) => new GatewayNode("gw-1", args), runs)).toBe(runs);
    expect(await expectAllRefused(created, notAnObject, (args) => new GatewayNode("gw-1", args as never), 20)).toBe(20);
  });
});

describe("GatewayNode never echoes a secret", () => {
  it("in the error of any field checked when it resolves", async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(secretText, async (secret) => {
        const hidden = pulumi.secret(secret);
        const errors = await lateErrors(() => {
          new GatewayNode("sec-a", { ...valid, wireguardSeed: undefined, wireguardPrivateKey: hidden });
          new GatewayNode("sec-b", { ...valid, wireguardSeed: pulumi.secret(secret.slice(0, 12)) });
          new GatewayNode("sec-c", { ...valid, home: { ...home, wireguardPublicKey: hidden } });
          new GatewayNode("sec-d", { ...valid, state: hidden as never });
        });
        cases += 4;
        const messages = errors.map((e) => e.message);
        for (const component of ["sec-a", "sec-b", "sec-c", "sec-d"]) expect(messages.some((m) => m.includes(`"${component}"`))).toBe(true);
        for (const message of messages) {
          expect(message).not.toContain(secret);
          expect(message).not.toContain(secret.slice(0, 12));
        }
      }),
      { numRuns: 20 },
    );
    expect(cases).toBe(80);
  }, 120_000);
});
