// Upgrading keeps every resource: the raw resources a GatewayNode used to create as its own
// children now live under the cloud components it builds on, and each carries an alias to the
// URN it had. Here the old children are registered as the old GatewayNode registered them (type,
// name, parent) and their URNs compared with what the new children's aliases resolve to.
import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import * as digitalocean from "@pulumi/digitalocean";
import { installMocks, presets, resetMocks as reset, settle, outputOf as value } from "@hearth/kit/testing";
import { homeKey, ingressArgs, seed } from "./fixtures.test-support.js";
import { GatewayNode, type GatewayNodeArgs } from "./gatewayNode.js";

installMocks({ answers: { ...presets.hcloud, ...presets.digitalocean } });
beforeEach(reset);

const home = { wireguardPublicKey: homeKey, tunnelCidr: "10.99.0.0/24" };

/** The URNs an alias list resolves to (Pulumi collapses each alias to a URN in the resource's constructor). */
const aliasUrns = (r: pulumi.Resource): Promise<string[]> =>
  Promise.all(((r as unknown as { __aliases?: pulumi.Output<string>[] }).__aliases ?? []).map((a) => value(a)));

/** Every custom resource created under the options' component, by `type::name`. */
function rawChildren(): { transformations: pulumi.ResourceTransformation[]; raw: Map<string, pulumi.Resource> } {
  const raw = new Map<string, pulumi.Resource>();
  const record: pulumi.ResourceTransformation = (args) => {
    if (!args.type.startsWith("hearth:")) raw.set(`${args.type}::${args.name}`, args.resource);
    return undefined;
  };
  return { transformations: [record], raw };
}

/** Registers resources of the old GatewayNode's shape (the raw children parented to the gateway) and returns their URNs. */
async function oldUrns(name: string, children: ReadonlyArray<readonly [type: string, child: string]>): Promise<Map<string, string>> {
  const oldNode = new pulumi.ComponentResource("hearth:gateway:GatewayNode", name, {});
  const make = (type: string, child: string): pulumi.CustomResource => {
    const opts = { parent: oldNode };
    switch (type) {
      case "hcloud:index/primaryIp:PrimaryIp":
        return new hcloud.PrimaryIp(child, { type: "ipv4" }, opts);
      case "hcloud:index/firewall:Firewall":
        return new hcloud.Firewall(child, {}, opts);
      case "hcloud:index/server:Server":
        return new hcloud.Server(child, { serverType: "cx23" }, opts);
      case "digitalocean:index/reservedIp:ReservedIp":
        return new digitalocean.ReservedIp(child, { region: "ams3" }, opts);
      case "digitalocean:index/droplet:Droplet":
        return new digitalocean.Droplet(child, { image: "debian-12-x64", size: "s-1vcpu-1gb" }, opts);
      case "digitalocean:index/reservedIpAssignment:ReservedIpAssignment":
        return new digitalocean.ReservedIpAssignment(child, { ipAddress: "198.51.100.8", dropletId: 1 }, opts);
      case "digitalocean:index/firewall:Firewall":
        return new digitalocean.Firewall(child, {}, opts);
    }
    throw new Error(`no old child of type ${type}`);
  };
  const urns = new Map<string, string>();
  for (const [type, child] of children) urns.set(`${type}::${child}`, await value(make(type, child).urn));
  return urns;
}

const cases: ReadonlyArray<readonly [cloud: string, name: string, args: GatewayNodeArgs, children: ReadonlyArray<readonly [string, string]>]> = [
  [
    "hcloud",
    "ingress-fsn1",
    ingressArgs(home),
    [
      ["hcloud:index/primaryIp:PrimaryIp", "ingress-fsn1-ipv4"],
      ["hcloud:index/firewall:Firewall", "ingress-fsn1-fw"],
      ["hcloud:index/server:Server", "ingress-fsn1"],
    ],
  ],
  [
    "digitalocean",
    "egress-ams3",
    { role: "egress", cloud: "digitalocean", region: "ams3", home, adminCidrs: ["2001:db8::/48"], wireguardSeed: seed },
    [
      ["digitalocean:index/reservedIp:ReservedIp", "egress-ams3-ipv4"],
      ["digitalocean:index/droplet:Droplet", "egress-ams3"],
      ["digitalocean:index/reservedIpAssignment:ReservedIpAssignment", "egress-ams3-ipv4-assignment"],
      ["digitalocean:index/firewall:Firewall", "egress-ams3-fw"],
    ],
  ],
];

describe("GatewayNode upgrade", () => {
  it.each(cases)("on %s, every raw child the old gateway created has an alias resolving to its old URN", async (_, name, args, children) => {
    const old = await oldUrns(name, children);
    // The URNs the engine gave them: the gateway's type, then the child's (mocks and engine agree for a top-level parent).
    for (const [key, urn] of old) expect(urn).toBe(`urn:pulumi:test::hearth::hearth:gateway:GatewayNode$${key.split("::")[0]}::${key.split("::")[1]}`);
    await reset();

    const { transformations, raw } = rawChildren();
    new GatewayNode(name, args, { transformations });
    await settle();
    for (const [key, urn] of old) {
      const child = raw.get(key);
      expect(child, `${key} still exists, under the same type and name`).toBeDefined();
      expect(await aliasUrns(child!), key).toContain(urn);
      // ...and its own URN is a new one (it moved under a component), which is why the alias is needed.
      expect(await value(child!.urn)).not.toBe(urn);
    }
  });

  it("aliases only the resources the old gateway had (new ones, such as DigitalOcean's firewall tag, are created)", async () => {
    const { transformations, raw } = rawChildren();
    new GatewayNode("egress-ams3", cases[1]![2], { transformations });
    await settle();
    expect(await aliasUrns(raw.get("digitalocean:index/tag:Tag::egress-ams3-fw-tag")!)).toEqual([]);
  });
});
