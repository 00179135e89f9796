// Property tests: generated bad input to GatewayNode is refused with a HearthValidationError
// before anything is registered (issue 12, class 2), world-open admin access is refused however
// it is spelled (class 4), and a secret given to any field checked when it resolves never
// appears in the error (class 9).
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adminPorts } from "@hearth/core";
import { installMocks, presets, recorded as created } from "@hearth/kit/testing";
import { brokenArgs, cidrWithHostBits, nonCanonicalCidr, notAList, notAString, notAWholeNumber, notAnObject, optional } from "../../../test/support/badInputs.js";
import { expectAllRefused, expectSecretsNeverEchoed } from "../../../test/support/refused.js";
import { homeKey, ingressArgs } from "./fixtures.test-support.js";
import { GatewayNode } from "./gatewayNode.js";

installMocks({ answers: [presets.hcloud, presets.digitalocean] });

const home = { wireguardPublicKey: homeKey, tunnelCidr: "10.99.0.0/24", networks: ["192.168.1.0/24"] };
const valid = ingressArgs(home);
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
    const cases = await expectSecretsNeverEchoed({
      components: ["sec-a", "sec-b", "sec-c", "sec-d"],
      create: (secret, hidden) => {
        new GatewayNode("sec-a", { ...valid, wireguardSeed: undefined, wireguardPrivateKey: hidden });
        new GatewayNode("sec-b", { ...valid, wireguardSeed: pulumi.secret(secret.slice(0, 12)) });
        new GatewayNode("sec-c", { ...valid, home: { ...home, wireguardPublicKey: hidden } });
        new GatewayNode("sec-d", { ...valid, state: hidden as never });
        return [secret.slice(0, 12)];
      },
      numRuns: 20,
    });
    expect(cases).toBe(80);
  }, 120_000);
});
