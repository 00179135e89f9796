import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HearthValidationError } from "@hearth/core";
import { captureChildren as parentRecorder, expectRefused, installMocks, outputOf as value, presets, recorded as created, recordedOf as byType, resetMocks as reset, settle } from "@hearth/kit/testing";
import { homeKey, ingressArgs, seed } from "./fixtures.test-support.js";
import * as hcloudParts from "@hearth/hcloud";
import * as doParts from "@hearth/digitalocean";
import { GatewayNode, type GatewayNodeArgs } from "./gatewayNode.js";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "./wireguard.js";

installMocks({ answers: [presets.hcloud, presets.digitalocean] });

const home = { wireguardPublicKey: homeKey, tunnelCidr: "10.99.0.0/24" };
const ingress = ingressArgs(home);
const world = ["0.0.0.0/0", "::/0"];

/** Secret inputs reach the provider wrapped in Pulumi's secret envelope; unwrap after checking. */
const secretSig = "1b47061264138c4ac30d75fd1eb44270";
function revealSecret(input: unknown): string {
  expect(input).toMatchObject({ "4dabf18193072939515e22adb298388d": secretSig });
  return (input as { value: string }).value;
}

beforeEach(reset);

describe("GatewayNode on hcloud", () => {
  it("hands its volumes to its VM: one delete-first attachment each, mounted by the bootstrap", async () => {
    const { transformations, options } = parentRecorder();
    const data = new hcloudParts.Volume("gw-state", { location: "fsn1", sizeGb: 10, deleteProtection: false });
    const node = new GatewayNode("ingress-fsn1", { ...ingress, volumes: [{ volumeId: data.volumeId, mountPath: "/var/lib/hearth" }] }, { transformations });
    await value(node.publicIp);
    await settle();
    const [attachment] = byType("hcloud:index/volumeAttachment:VolumeAttachment");
    expect(attachment).toMatchObject({ name: "ingress-fsn1-volume-0", inputs: { volumeId: Number(await value(data.volumeId)) } });
    expect(options.get("hcloud:index/volumeAttachment:VolumeAttachment::ingress-fsn1-volume-0")!.deleteBeforeReplace).toBe(true);
    // The bootstrap (still secret) ends with the mount; everything before it is the gateway's own.
    const userData = parse(revealSecret(byType("hcloud:index/server:Server")[0]!.inputs.userData));
    expect(userData.runcmd.at(-1)).toContain("/var/lib/hearth auto defaults,nofail");
    expect(userData.runcmd[0]).toEqual(["systemctl", "enable", "--now", "wg-quick@wg0"]);
    await expectRefused(() => new GatewayNode("ingress-nbg1", { ...ingress, region: "nbg1", volumes: [{ volumeId: "1", mountPath: "relative" }] }), /volumes\[0\]\.mountPath/);
  });

  it("creates a primary IP that survives the server, a firewall and a bootstrapped server", async () => {
    const { transformations, parents, options } = parentRecorder();
    const node = new GatewayNode("ingress-fsn1", { ...ingress, labels: { env: "prod" } }, { transformations });
    await value(node.publicIp);
    await settle();

    const labels = {
      "hearth/component": "GatewayNode",
      "hearth/managed-by": "hearth",
      "hearth/role": "ingress",
      "hearth/gateway": "ingress-fsn1",
      "hearth/stack": "test",
      env: "prod",
    };
    const [ip] = byType("hcloud:index/primaryIp:PrimaryIp");
    expect(ip).toMatchObject({ name: "ingress-fsn1-ipv4", inputs: { name: "ingress-fsn1-ipv4", type: "ipv4", location: "fsn1", autoDelete: false, labels } });
    // location, not the deprecated datacenter; the server assigns the IP through publicNets, so
    // neither assignee field is set (assigneeType alone draws a provider warning).
    expect(Object.keys(ip!.inputs).sort()).toEqual(["autoDelete", "labels", "location", "name", "type"]);

    const [firewall] = byType("hcloud:index/firewall:Firewall");
    expect(firewall!.name).toBe("ingress-fsn1-fw");
    expect(firewall!.inputs.rules).toEqual([
      { direction: "in", protocol: "tcp", port: "443", sourceIps: world, description: "gateway tcp/443" },
      { direction: "in", protocol: "udp", port: "51820", sourceIps: world, description: "WireGuard" },
      { direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"], description: "SSH from admins" },
    ]);

    const [server] = byType("hcloud:index/server:Server");
    expect(server!.name).toBe("ingress-fsn1");
    expect(server!.inputs).toMatchObject({ name: "ingress-fsn1", serverType: "cx23", image: "debian-12", location: "fsn1", labels });
    expect(server!.inputs.publicNets).toEqual([{ ipv4Enabled: true, ipv4: expect.any(Number), ipv6Enabled: true }]);
    expect(server!.inputs.firewallIds).toEqual([expect.any(Number)]);
    const serverOpts = options.get("hcloud:index/server:Server::ingress-fsn1")!;
    expect(serverOpts.deleteBeforeReplace).toBe(true);
    // The IP's name is fixed and an assigned IP cannot be deleted: it too goes before its replacement.
    expect(options.get("hcloud:index/primaryIp:PrimaryIp::ingress-fsn1-ipv4")!.deleteBeforeReplace).toBe(true);
    expect(serverOpts.additionalSecretOutputs).toContain("userData");
    // A VM with a role: the gateway's children are the cloud package's own components, and the raw resources theirs.
    const components: Array<[string, string, new (...a: never[]) => object]> = [
      ["hcloud:index/primaryIp:PrimaryIp::ingress-fsn1-ipv4", "hearth:hcloud:PublicIp::ingress-fsn1-ipv4", hcloudParts.PublicIp],
      ["hcloud:index/firewall:Firewall::ingress-fsn1-fw", "hearth:hcloud:FirewallGroup::ingress-fsn1-fw", hcloudParts.FirewallGroup],
      ["hcloud:index/server:Server::ingress-fsn1", "hearth:hcloud:VmFromTemplate::ingress-fsn1", hcloudParts.VmFromTemplate],
    ];
    for (const [raw, component, kind] of components) {
      expect(parents.get(component)).toBe(node);
      expect(parents.get(raw)).toBeInstanceOf(kind);
    }
    expect(byType("hcloud:index/sshKey:SshKey")).toEqual([]);

    const doc = parse(revealSecret(server!.inputs.userData));
    const wg = doc.write_files.find((f: { path: string }) => f.path === "/etc/wireguard/wg0.conf").content as string;
    expect(wg).toContain(`PrivateKey = ${deriveWireguardPrivateKey(seed, "ingress-fsn1")}`);
    expect(wg).toContain("Address = 10.99.0.11/24");
    expect(wg).toContain(`PublicKey = ${homeKey}`);
    expect(doc.packages).toContain("nginx");
  });

  it("keeps the private key and user data secret and publishes the public key", async () => {
    const node = new GatewayNode("ingress-fsn1", ingress);
    expect(await pulumi.isSecret(node.privateKey)).toBe(true);
    expect(await pulumi.isSecret(node.userData)).toBe(true);
    expect(await pulumi.isSecret(node.publicKey)).toBe(false);
    expect(await pulumi.isSecret(node.catalogEntry)).toBe(false);
    expect(await value(node.publicKey)).toBe(wireguardPublicKey(deriveWireguardPrivateKey(seed, "ingress-fsn1")));
    expect(JSON.stringify(await value(node.catalogEntry))).not.toContain(deriveWireguardPrivateKey(seed, "ingress-fsn1"));
  });

  it("keeps user data secret even when the key is given as a plain string", async () => {
    const key = deriveWireguardPrivateKey(seed, "other");
    const node = new GatewayNode("ingress-fsn1", { ...ingress, wireguardSeed: undefined, wireguardPrivateKey: key });
    expect(await pulumi.isSecret(node.privateKey)).toBe(true);
    expect(await pulumi.isSecret(node.userData)).toBe(true);
    expect(await value(node.publicKey)).toBe(wireguardPublicKey(key));
  });

  it("publishes a catalog entry with the stable IP, ports including WireGuard, and the state", async () => {
    const node = new GatewayNode("ingress-fsn1", { ...ingress, ports: [{ protocol: "udp", port: 443 }, { protocol: "tcp", port: 443 }], state: "draining" });
    expect(await value(node.catalogEntry)).toEqual({
      id: "ingress-fsn1",
      role: "ingress",
      provider: "hcloud",
      region: "fsn1",
      addresses: { ipv4: "198.51.100.7" },
      ports: [
        { protocol: "tcp", port: 443 },
        { protocol: "udp", port: 443 },
        { protocol: "udp", port: 51820 },
      ],
      wireguardPublicKey: await value(node.publicKey),
      state: "draining",
    });
    expect(await value(node.state)).toBe("draining");
  });

  it("derives the same key on every run (no diff on preview)", async () => {
    const a = await value(new GatewayNode("ingress-fsn1", ingress).publicKey);
    const b = await value(new GatewayNode("ingress-fsn1", ingress, {}).publicKey);
    expect(a).toBe(b);
  });

  it("lets the address alone be protected, as docs/gateways.md shows", async () => {
    const resources = new Map<string, pulumi.Resource>();
    const record: pulumi.ResourceTransformation = (r) => void resources.set(r.type, r.resource);
    const protectIp: pulumi.ResourceTransformation = (r) => (r.type.endsWith(":PublicIp") ? { props: r.props, opts: { ...r.opts, protect: true } } : undefined);
    new GatewayNode("ingress-fsn1", ingress, { transformations: [protectIp, record] });
    await settle();
    const protectedOf = (type: string) => (resources.get(type) as unknown as { __protect?: boolean }).__protect;
    expect(protectedOf("hcloud:index/primaryIp:PrimaryIp")).toBe(true);
    expect(protectedOf("hcloud:index/server:Server")).toBeFalsy();
    expect(protectedOf("hcloud:index/firewall:Firewall")).toBeFalsy();
  });

  it("closes SSH when adminCidrs is empty", async () => {
    const node = new GatewayNode("ingress-fsn1", { ...ingress, adminCidrs: [] });
    await value(node.publicIp);
    await settle();
    const rules = byType("hcloud:index/firewall:Firewall")[0]!.inputs.rules as Array<{ port?: string }>;
    expect(rules.map((r) => r.port)).toEqual(["443", "51820"]);
  });
});

describe("GatewayNode on DigitalOcean", () => {
  it("creates a reserved IP assigned to the droplet, a firewall on the droplet, and NAT for egress", async () => {
    const { transformations, parents, options } = parentRecorder();
    const node = new GatewayNode(
      "egress-ams3",
      { role: "egress", cloud: "digitalocean", region: "ams3", home: { ...home, networks: ["192.168.1.0/24"] }, adminCidrs: ["2001:db8::/48"], wireguardSeed: seed },
      { transformations },
    );
    await value(node.publicIp);
    await settle();

    const [ip] = byType("digitalocean:index/reservedIp:ReservedIp");
    expect(ip).toMatchObject({ name: "egress-ams3-ipv4", inputs: { region: "ams3" } });
    const [droplet] = byType("digitalocean:index/droplet:Droplet");
    expect(droplet!.inputs).toMatchObject({ name: "egress-ams3", size: "s-1vcpu-1gb", image: "debian-12-x64", region: "ams3", ipv6: true });
    // The gateway's labels as tags, and the firewall's tag, which attaches the droplet to it.
    expect(droplet!.inputs.tags).toEqual([
      "hearth-component-gatewaynode",
      "hearth-fw-egress-ams3-fw",
      "hearth-gateway-egress-ams3",
      "hearth-managed-by-hearth",
      "hearth-role-egress",
      "hearth-stack-test",
    ]);
    const [assignment] = byType("digitalocean:index/reservedIpAssignment:ReservedIpAssignment");
    expect(assignment).toMatchObject({ name: "egress-ams3-ipv4-assignment", inputs: { ipAddress: "198.51.100.8", dropletId: expect.any(Number) } });
    const [tag] = byType("digitalocean:index/tag:Tag");
    expect(tag).toMatchObject({ name: "egress-ams3-fw-tag", inputs: { name: "hearth-fw-egress-ams3-fw" } });
    const [firewall] = byType("digitalocean:index/firewall:Firewall");
    expect(firewall!.inputs).toMatchObject({
      name: "egress-ams3-fw",
      tags: ["hearth-fw-egress-ams3-fw"],
      inboundRules: [
        { protocol: "udp", portRange: "51820", sourceAddresses: world },
        { protocol: "tcp", portRange: "22", sourceAddresses: ["2001:db8::/48"] },
      ],
    });
    expect(firewall!.inputs.dropletIds).toBeUndefined();
    expect(firewall!.inputs.outboundRules).toHaveLength(3);
    // The firewall waits for the droplet, so a droplet carries the tag before a firewall that named it by id lets go of the id.
    expect(options.get("digitalocean:index/firewall:Firewall::egress-ams3-fw")!.dependsOn).toEqual([expect.any(Promise)]);
    expect(await (options.get("digitalocean:index/firewall:Firewall::egress-ams3-fw")!.dependsOn as Promise<unknown>[])[0]).toBeInstanceOf(doParts.VmFromTemplate);
    expect(options.get("digitalocean:index/droplet:Droplet::egress-ams3")!.additionalSecretOutputs).toContain("userData");
    const components: Array<[string, string, new (...a: never[]) => object]> = [
      ["digitalocean:index/reservedIp:ReservedIp::egress-ams3-ipv4", "hearth:digitalocean:PublicIp::egress-ams3-ipv4", doParts.PublicIp],
      ["digitalocean:index/reservedIpAssignment:ReservedIpAssignment::egress-ams3-ipv4-assignment", "hearth:digitalocean:PublicIp::egress-ams3-ipv4", doParts.PublicIp],
      ["digitalocean:index/droplet:Droplet::egress-ams3", "hearth:digitalocean:VmFromTemplate::egress-ams3", doParts.VmFromTemplate],
      ["digitalocean:index/firewall:Firewall::egress-ams3-fw", "hearth:digitalocean:FirewallGroup::egress-ams3-fw", doParts.FirewallGroup],
    ];
    for (const [raw, component, kind] of components) {
      expect(parents.get(component)).toBe(node);
      expect(parents.get(raw)).toBeInstanceOf(kind);
    }
    const doc = parse(revealSecret(droplet!.inputs.userData));
    const nft = doc.write_files.find((f: { path: string }) => f.path === "/etc/hearth/nftables.conf").content as string;
    expect(nft).toContain("ip saddr { 10.99.0.0/24, 192.168.1.0/24 }");
    expect(await pulumi.isSecret(node.userData)).toBe(true);
    expect((await value(node.catalogEntry)).ports).toEqual([{ protocol: "udp", port: 51820 }]);
  });
});

describe("GatewayNode validation", () => {
  it.each<[string, Partial<GatewayNodeArgs> & Record<string, unknown>, RegExp]>([
    ["an unknown role", { role: "bastion" as never }, /role "bastion".*"ingress", "egress"/],
    ["an unknown cloud", { cloud: "aws" as never }, /cloud "aws"/],
    ["a DigitalOcean region on hcloud", { region: "ams3" }, /region "ams3".*"fsn1"/],
    ["a Hetzner location on DigitalOcean", { cloud: "digitalocean", region: "fsn1" }, /region "fsn1".*"nyc1"/],
    ["a DigitalOcean size on hcloud", { size: "s-1vcpu-1gb" }, /size "s-1vcpu-1gb"/],
    ["a Hetzner size on DigitalOcean", { cloud: "digitalocean", region: "ams3", size: "cx22" }, /size "cx22"/],
    ["no ports on ingress", { ports: [] }, /at least one port/],
    ["ports on egress", { role: "egress" }, /egress gateway serves no public ports/],
    ["port 0", { ports: [{ protocol: "tcp", port: 0 }] }, /ports\[0\].port 0/],
    ["port 70000", { ports: [{ protocol: "tcp", port: 70000 }] }, /ports\[0\].port 70000/],
    ["an sctp port", { ports: [{ protocol: "sctp" as never, port: 443 }] }, /ports\[0\].protocol "sctp"/],
    ["SSH as a gateway port", { ports: [{ protocol: "tcp", port: 22 }] }, /only to adminCidrs/],
    ["RDP as a gateway port", { ports: [{ protocol: "tcp", port: 3389 }] }, /administrative ports/],
    ["the WireGuard port", { ports: [{ protocol: "udp", port: 51820 }] }, /WireGuard port/],
    ["a duplicate port", { ports: [{ protocol: "tcp", port: 443 }, { protocol: "tcp", port: 443 }] }, /each protocol\/port once/],
    ["SSH open to the world (IPv4)", { adminCidrs: ["0.0.0.0/0"] }, /adminCidrs \["0.0.0.0\/0"\].*never open to the whole internet/],
    ["SSH open to the world (IPv6)", { adminCidrs: ["10.0.0.0/8", "::/0"] }, /adminCidrs \["10.0.0.0\/8","::\/0"\]/],
    ["SSH open to the world, split in halves", { adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"] }, /never open to the whole internet/],
    ["an admin CIDR with host bits", { adminCidrs: ["198.51.100.7/24"] }, /did you mean 198.51.100.0\/24/],
    ["an admin CIDR in octal-looking form", { adminCidrs: ["010.0.0.0/8"] }, /canonical form/],
    ["the VNC console as a gateway port", { ports: [{ protocol: "tcp", port: 5901 }] }, /VNC/],
    ["SSH over udp as a gateway port", { ports: [{ protocol: "udp", port: 22 }] }, /SSH \(22\)/],
    ["WireGuard on an admin port", { wireguardPort: 3389 }, /RDP \(3389\)/],
    ["a label that claims to be Hearth's", { labels: { "hearth/role": "spoofed" } }, /Hearth's own labels/],
    ["labels that are not a map", { labels: "env=prod" as never }, /map of labels/],
    ["home networks that are not a list", { home: { ...home, networks: "192.168.1.0/24" as never } }, /home.networks "192.168.1.0\/24"/],
    ["a home network in IPv6", { home: { ...home, networks: ["fd00::/64"] } }, /IPv4 only/],
    ["a home endpoint with an octal-looking address", { home: { ...home, endpoint: "010.0.0.1:51820" } }, /home.endpoint/],
    ["an admin CIDR that is not one", { adminCidrs: ["office"] }, /adminCidrs\[0\] "office"/],
    ["an IPv6 tunnel", { home: { ...home, tunnelCidr: "fd00::/64" } }, /home.tunnelCidr/],
    ["a tunnel address outside the tunnel", { tunnelAddress: "10.98.0.2" }, /tunnelAddress "10.98.0.2"/],
    ["home's tunnel address", { tunnelAddress: "10.99.0.1" }, /home's end of the tunnel/],
    ["a bad home endpoint", { home: { ...home, endpoint: "home.example.net" } }, /home.endpoint/],
    ["a bad home public key", { home: { ...home, wireguardPublicKey: "not-a-key" } }, /home.wireguardPublicKey "not-a-key"/],
    ["a bad label", { labels: { "bad key!": "x" } }, /labels/],
    ["no key and no seed", { wireguardSeed: undefined }, /give wireguardPrivateKey .* or wireguardSeed/],
    ["both a key and a seed", { wireguardPrivateKey: "x" }, /not both/],
  ])("refuses %s before creating anything", async (_, patch, message) => {
    await expectRefused(() => new GatewayNode("gw-1", { ...ingress, ...patch } as GatewayNodeArgs), message);
  });

  it("refuses a host name the clouds would reject", () => {
    expect(() => new GatewayNode("Ingress_FSN1", ingress)).toThrow(/name "Ingress_FSN1"/);
  });

  it("never puts a private key or seed in an error message", () => {
    const key = "c2VjcmV0IGtleSBtYXRlcmlhbCB0aGF0IGlzIHdyb25n";
    expect(() => new GatewayNode("gw-1", { ...ingress, wireguardSeed: undefined, wireguardPrivateKey: key })).toThrow(/wireguardPrivateKey "\[secret\]"/);
    expect(() => new GatewayNode("gw-1", { ...ingress, wireguardSeed: undefined, wireguardPrivateKey: key })).not.toThrow(new RegExp(key.slice(0, 16)));
    expect(() => new GatewayNode("gw-1", { ...ingress, wireguardSeed: "too-short-seed" })).toThrow(/wireguardSeed "\[secret\]"/);
    expect(() => new GatewayNode("gw-1", { ...ingress, wireguardSeed: "too-short-seed" })).not.toThrow(/too-short-seed/);
  });
});
