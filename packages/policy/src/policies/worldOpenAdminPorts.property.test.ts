// Property test: the policy pack finds an admin port open to the whole internet however the
// world is split over a firewall's rules and however its addresses are spelled (issue 12,
// class 4), with the same definition the components refuse input with (core).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adminPorts } from "@hearth/core";
import { res } from "../testing/fixtures.js";
import { tokens } from "../tokens.js";
import { checkWorldOpenAdminPorts } from "./worldOpenAdminPorts.js";

/** All of IPv4 in 2^bits pieces, some spelled non-canonically as a provider might accept them. */
const split = fc.integer({ min: 0, max: 6 }).chain((bits) =>
  fc.array(fc.boolean(), { minLength: 2 ** bits, maxLength: 2 ** bits }).map((odd) =>
    odd.map((weird, i) => {
      const first = (i << (8 - bits)) & 255;
      return weird && bits > 0 ? `${first}.0.0.0/0${bits}` : `${first}.0.0.0/${bits}`;
    }),
  ),
);

describe("hearth-no-world-open-admin-ports finds every split of the world", () => {
  it("over hcloud rules, DigitalOcean rules and Proxmox rules, on tcp, udp or all protocols", () => {
    fc.assert(
      fc.property(split, fc.integer({ min: 1, max: 4 }), fc.constantFrom(...adminPorts), fc.constantFrom("tcp", "udp"), fc.constantFrom("hcloud", "digitalocean", "proxmox"), (pieces, ruleCount, admin, protocol, target) => {
        const port = String(admin.from);
        const chunks = Array.from({ length: ruleCount }, (_, k) => pieces.filter((_, i) => i % ruleCount === k)).filter((c) => c.length > 0);
        const resource =
          target === "hcloud"
            ? res(tokens.hcloud.firewall, "fw", { rules: chunks.map((sourceIps) => ({ direction: "in", protocol, port, sourceIps })) })
            : target === "digitalocean"
              ? res(tokens.digitalocean.firewall, "fw", { inboundRules: chunks.map((sourceAddresses) => ({ protocol, portRange: port, sourceAddresses })) })
              : res(tokens.proxmox.securityGroup, "g", { name: "g", rules: chunks.map((c) => ({ type: "in", action: "ACCEPT", proto: protocol, dport: port, source: c.join(",") })) });
        const violations = checkWorldOpenAdminPorts(resource);
        expect(violations).toHaveLength(1);
        expect(violations[0]!.message).toContain(admin.name);
        // Without one piece, the same rules are not open to the whole world.
        const partial =
          target === "hcloud"
            ? res(tokens.hcloud.firewall, "fw", { rules: [{ direction: "in", protocol, port, sourceIps: pieces.slice(1).length ? pieces.slice(1) : ["192.0.2.0/24"] }] })
            : res(tokens.digitalocean.firewall, "fw", { inboundRules: [{ protocol, portRange: port, sourceAddresses: pieces.slice(1).length ? pieces.slice(1) : ["192.0.2.0/24"] }] });
        expect(checkWorldOpenAdminPorts(partial)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
